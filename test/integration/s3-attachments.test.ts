/**
 * Attachments in S3-compatible object storage, against a real S3 server on loopback (moto): the store itself, the
 * API storing new files there, files kept in PostgreSQL before the switch still served, and failed or abandoned
 * uploads removing their objects.
 */
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { pgAttachmentStorage, removeAbandonedStaged, stageAttachments } from '../../db/attachments';
import { attachmentStorageFromConfig, s3BlobStore, type S3Settings } from '../../db/s3-blob-store';
import { findActiveUserByEmail } from '../../db/users';
import { parseS3Url } from '../../scripts/config';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { pngImage, sha256 } from '../support/files';
import { startS3Server, type S3Server } from '../support/moto';

const limits = { maxFileBytes: 1024 * 1024, maxTicketBytes: 8 * 1024 * 1024 };
const incident = { title: 'Scanner output garbled', description: 'See attached', type: 'incident', impact: 'low', urgency: 'low' };

describe('attachments in S3-compatible object storage', () => {
  let s3: S3Server;
  let settings: S3Settings;
  let raw: S3Client;
  let app: TestApp;
  let storage: ReturnType<typeof attachmentStorageFromConfig>;
  let customer: string;
  let agent: string;

  beforeAll(async () => {
    s3 = await startS3Server();
    const parsed = parseS3Url(`s3://tf-key:tf-secret@127.0.0.1:${s3.port}/ticketflow-files/attachments?region=eu-central-1&tls=false`);
    if (typeof parsed === 'string') throw new Error(parsed);
    settings = parsed;
    storage = attachmentStorageFromConfig({ limits, s3: settings });
    await storage.s3!.checkBucket({ create: true });
    raw = new S3Client({ endpoint: s3.endpoint, region: 'eu-central-1', forcePathStyle: true, credentials: { accessKeyId: 'tf-key', secretAccessKey: 'tf-secret' } });
    app = await startTestApp({ app: { attachments: storage } });
    [customer, agent] = await Promise.all(['user@acme.test', 'l1@demo.test'].map((e) => app.login(e)));
  });
  afterAll(async () => {
    raw?.destroy();
    storage?.close();
    await app?.stop();
    await s3?.stop();
  });

  const objectKeys = async () => ((await raw.send(new ListObjectsV2Command({ Bucket: 'ticketflow-files' }))).Contents ?? []).map((o) => o.Key!);
  async function newTicket() {
    const res = await app.request('POST', '/api/v1/tickets', { token: customer, body: incident });
    await eventually(() => app.db('ticket_events').where({ ticket_id: res.body.id }).first(), 'ticket.created');
    return res.body as { id: string; number: string };
  }
  async function upload(token: string, ticketId: string, files: Array<{ filename: string; bytes: Buffer }>, fields: Record<string, string> = {}) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files) form.append('file', new Blob([f.bytes]), f.filename);
    const res = await fetch(`${app.baseUrl}/api/v1/tickets/${ticketId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    return { status: res.status, body: (await res.json()) as { attachments: Array<{ id: string; href: string }> } };
  }
  const download = async (token: string, href: string) => {
    const res = await fetch(app.baseUrl + href, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type') };
  };

  it('reads S3_URL into the settings the store uses', () => {
    expect(settings).toEqual({
      endpoint: `http://127.0.0.1:${s3.port}`,
      region: 'eu-central-1',
      bucket: 'ticketflow-files',
      prefix: 'attachments/',
      credentials: { accessKeyId: 'tf-key', secretAccessKey: 'tf-secret' },
      forcePathStyle: true,
    });
  });

  it('keeps, returns and removes bytes by key', async () => {
    const store = s3BlobStore(settings);
    const bytes = pngImage(3, 3);
    await store.put(app.db, 'probe/one', bytes, 'image/png');
    expect(sha256(await store.get(app.db, 'probe/one'))).toBe(sha256(bytes));
    const head = await raw.send(new HeadObjectCommand({ Bucket: 'ticketflow-files', Key: 'attachments/probe/one' }));
    expect(head.ContentType).toBe('image/png');
    await store.remove(app.db, 'probe/one');
    await expect(store.get(app.db, 'probe/one')).rejects.toThrow(/missing from bucket ticketflow-files/);
    await expect(s3BlobStore({ ...settings, bucket: 'no-such-bucket' }).checkBucket()).rejects.toThrow(/S3 bucket no-such-bucket is not usable.*HTTP 404/);
    store.destroy();
  });

  it('stores uploaded files as objects (not in PostgreSQL) and serves the same bytes', async () => {
    const t = await newTicket();
    const png = pngImage(16, 16);
    const res = await upload(customer, t.id, [{ filename: 'scan.png', bytes: png }], { body: 'scan' });
    expect(res.status).toBe(201);
    const [file] = res.body.attachments;
    const row = await app.db('attachments').where({ id: file.id }).first();
    expect(row).toMatchObject({ storage: 's3', storage_key: `tickets/${t.id}/${file.id}`, content_type: 'image/png' });
    expect(await app.db('attachment_blobs').where({ attachment_id: file.id }).first()).toBeUndefined();
    expect(await objectKeys()).toContain(`attachments/tickets/${t.id}/${file.id}`);
    const got = await download(agent, file.href);
    expect(got.status).toBe(200);
    expect(got.type).toBe('image/png');
    expect(sha256(got.bytes)).toBe(sha256(png));
  });

  it('still serves files kept in PostgreSQL before S3 was configured', async () => {
    const t = await newTicket();
    const owner = (await findActiveUserByEmail(app.db, 'user@acme.test'))!.principal;
    const old = Buffer.from('uploaded before the switch');
    const [ref] = await stageAttachments(app.db, pgAttachmentStorage().store, { ticketId: t.id, uploadedBy: owner.id, source: 'api', files: [{ filename: 'old.txt', bytes: old }], limits });
    expect((await app.request('POST', `/api/v1/tickets/${t.id}/comments`, { token: customer, body: { attachments: [ref.id] } })).status).toBe(201);
    expect((await app.db('attachments').where({ id: ref.id }).first()).storage).toBe('pg');
    const got = await download(customer, `/api/v1/tickets/${t.id}/attachments/${ref.id}`);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(old)).toBe(true);
  });

  it('removes the objects of a refused upload and of files abandoned while staged', async () => {
    const t = await newTicket();
    const refused = await upload(customer, t.id, [{ filename: 'secret.txt', bytes: Buffer.from('x') }], { visibility: 'internal' });
    expect(refused.status).toBe(403);
    expect((await objectKeys()).filter((k) => k.includes(t.id))).toEqual([]);

    const owner = (await findActiveUserByEmail(app.db, 'user@acme.test'))!.principal;
    const [ref] = await stageAttachments(app.db, storage.store, { ticketId: t.id, uploadedBy: owner.id, source: 'api', files: [{ filename: 'left.txt', bytes: Buffer.from('left') }], limits });
    expect(await objectKeys()).toContain(`attachments/tickets/${t.id}/${ref.id}`);
    await app.db('attachments').where({ id: ref.id }).update({ created_at: app.db.raw("now() - interval '2 hours'") });
    expect(await removeAbandonedStaged(app.db, storage, 3_600_000)).toBe(1);
    expect((await objectKeys()).filter((k) => k.includes(t.id))).toEqual([]);
  });
});
