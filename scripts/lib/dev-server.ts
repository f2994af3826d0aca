/** Runs `temporal server start-dev` as a child process and waits until its namespace answers. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { TICKET_SEARCH_ATTRIBUTES } from '../../workflows/definitions';
import { assertPortFree } from './ports';

export interface DevServerOptions {
  binary: string;
  port: number;
  uiPort?: number; // undefined = headless
  dbFile?: string; // undefined = in memory
  logFile: string;
  namespace?: string;
  log?: (message: string) => void;
}

export interface DevServerHandle {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const CLI_TYPE: Record<string, string> = { KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList' };

export function searchAttributeArgs(): string[] {
  return TICKET_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE[key.type]}`]);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServerHandle> {
  const namespace = opts.namespace ?? 'default';
  await assertPortFree(opts.port, 'the Temporal server (TEMPORAL_PORT)');
  if (opts.uiPort !== undefined) await assertPortFree(opts.uiPort, 'the Temporal Web UI (TEMPORAL_UI_PORT)');
  mkdirSync(dirname(opts.logFile), { recursive: true });
  if (opts.dbFile) mkdirSync(dirname(opts.dbFile), { recursive: true });

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--namespace', namespace, '--log-level', 'warn'];
  args.push(...(opts.uiPort !== undefined ? ['--ui-port', String(opts.uiPort)] : ['--headless']));
  // With a database file, SQLite in WAL mode with NORMAL sync: rollback journalling made every persistence write
  // wait for fsyncs and timed out under bursts (2,000 breach timers in a minute were 27-89 s late, p99; 12.6 s with
  // WAL: bench/README.md). WAL+NORMAL survives a killed server process; only an OS crash or power cut may lose the
  // last transactions, acceptable for the embedded default (production runs a Temporal cluster).
  if (opts.dbFile) args.push('--db-filename', opts.dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  args.push(...searchAttributeArgs());
  // Durable timers are the product: the dev server's defaults are fine, but make search attributes visible at once.
  args.push('--dynamic-config-value', 'system.forceSearchAttributesCacheRefreshOnRead=true');

  const out = createWriteStream(opts.logFile, { flags: 'a' });
  const child = spawn(opts.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });

  const address = `127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) {
      throw new Error(`the Temporal dev server exited with code ${exited} during start-up; its log (${opts.logFile}) ends with:\n${tail(opts.logFile)}`);
    }
    try {
      const conn = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await conn.workflowService.describeNamespace({ namespace });
        break;
      } finally {
        await conn.close();
      }
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the Temporal dev server did not become ready on ${address} within 60 s: ${(err as Error).message}`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  const stop = async (): Promise<void> => {
    if (exited !== undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
    out.end();
  };

  return {
    address,
    uiUrl: opts.uiPort !== undefined ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    process: child,
    stop,
  };
}
