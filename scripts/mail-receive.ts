/**
 * `npm run mail:receive < message.eml`: the MTA's pipe (or relay) into ticketflow. Reads one raw message from
 * standard input and stores it, then starts its workflow. `--from <envelope sender>` and `--to <recipient>` (repeatable)
 * carry the envelope, as Postfix's pipe(8) gives them (`${sender}`, `${recipient}`). Exit status 0 when stored (or
 * already stored), 75 (EX_TEMPFAIL: the MTA keeps the message and tries again) when it could not be stored.
 */
import { parseArgs } from 'node:util';
import { receiveRawMessage } from '../activities/mail/receive';
import { createDb } from '../db/connection';
import { loadConfigOrExit } from './config';
import { createLogger } from './logger';
import { connectClient } from './temporal';

const EX_TEMPFAIL = 75;
const EX_DATAERR = 65;

async function readStdin(max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin) {
    size += (c as Buffer).length;
    if (size > max) throw Object.assign(new Error(`the message exceeds INBOUND_MAX_BYTES (${max})`), { exit: EX_DATAERR });
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string', multiple: true } } });
  const cfg = loadConfigOrExit();
  const log = createLogger(cfg.LOG_LEVEL, 'mail-receive');
  const raw = await readStdin(cfg.INBOUND_MAX_BYTES);
  if (!raw.length) throw Object.assign(new Error('no message on standard input'), { exit: EX_DATAERR });
  const db = createDb(cfg.DATABASE_URL, 2);
  const temporal = await connectClient(cfg).catch(() => undefined);
  try {
    // Without Temporal the message is still stored: a worker's recovery sweep starts its workflow.
    const deps = { db, temporal: temporal ?? null, taskQueue: cfg.TEMPORAL_TASK_QUEUE, log };
    const r = await receiveRawMessage(deps, raw, { via: 'relay', envelopeFrom: values.from ?? null, envelopeTo: values.to ?? [] });
    console.log(`${r.isNew ? 'stored' : 'already received'} as ${r.inboundMessageId}${r.started ? '' : ' (its workflow starts with the next sweep)'}`);
    return 0;
  } finally {
    await temporal?.connection.close();
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error & { exit?: number }) => {
    console.error(`mail:receive: ${err.message}`);
    process.exit(err.exit ?? EX_TEMPFAIL);
  },
);
