import { request as httpRequest, type IncomingMessage } from 'node:http';
import { parse as parseDisposition } from 'content-disposition';
import { pgAttachmentStorage, removeAbandonedStaged, stageAttachments } from '../../db/attachments';
import { createTicket } from '../../api/services/ticket-intake';
import * as R from '../../api/responses';
import { findActiveUserByEmail } from '../../db/users';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { pdfDocument, pngImage, sha256 } from '../support/files';

const incident = { title: 'Invoice export broken', description: 'The export stops', type: 'incident', impact: 'medium', urgency: 'high' };
// Small limits, so the 413s need no large bodies.
const limits = { maxFileBytes: 64 * 1024, maxTicketBytes: 160 * 1024 };

interface Part {
  name?: string;
  filename: string;
  bytes: Buffer;
  type?: string;
}

describe('attachments over HTTP', () => {
  let app: TestApp;
  let customer: string;
  let colleague: string;
  let agent: string;
  let otherOrg: string;
  beforeAll(async () => {
    app = await startTestApp({ app: { attachments: pgAttachmentStorage(limits) } });
    [customer, colleague, agent, otherOrg] = await Promise.all(['user@acme.test', 'keyuser@acme.test', 'l1@demo.test', 'user@beta.test'].map((e) => app.login(e)));
  });
  afterAll(async () => {
    await app?.stop();
  });

  async function newTicket(token = customer): Promise<{ id: string; number: string }> {
    const res = await app.request('POST', '/api/v1/tickets', { token, body: incident });
    expect(res.status).toBe(201);
    await eventually(() => app.db('ticket_events').where({ ticket_id: res.body.id }).first(), 'ticket.created');
    return res.body;
  }

  async function upload(token: string, ticket: string, files: Part[], fields: Record<string, string> = {}, headers: Record<string, string> = {}) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    // The declared type is whatever the client claims; the server looks at the bytes.
    for (const f of files) form.append(f.name ?? 'file', new Blob([f.bytes], { type: f.type ?? 'application/octet-stream' }), f.filename);
    const res = await fetch(`${app.baseUrl}/api/v1/tickets/${ticket}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body: form });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }
  const download = async (token: string, href: string) => {
    const res = await fetch(app.baseUrl + href, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const stagedCount = async (ticketId: string) => Number((await app.db('attachments').where({ ticket_id: ticketId }).whereNull('event_seq').count('* as n').first())?.n);

  it('uploads files as a comment, lists them on the event and serves the same bytes, typed by content', async () => {
    const t = await newTicket();
    const png = pngImage(8, 8);
    const text = Buffer.from('Steps:\n1. open the export\n2. Čakať – nič sa nedeje\n');
    const res = await upload(customer, t.id, [
      { filename: 'screenshot.txt', bytes: png, type: 'text/plain' },
      { filename: 'steps.exe', bytes: text, type: 'application/x-msdownload' },
    ], { body: 'Here is what I see' });
    expect(res.status).toBe(201);
    const answer = R.AttachmentUpload.parse(res.body);
    expect(answer.attachments.map((a) => [a.name, a.contentType, a.size, a.visibility, a.eventSeq])).toEqual([
      ['screenshot.txt', 'image/png', png.length, 'public', answer.seq],
      ['steps.exe', 'text/plain', text.length, 'public', answer.seq],
    ]);

    const list = await app.request('GET', `/api/v1/tickets/${t.number}/attachments`, { token: customer });
    expect(list.status).toBe(200);
    expect(R.AttachmentPage.parse(list.body).items.map((a) => a.id)).toEqual(answer.attachments.map((a) => a.id));
    const first = await app.request('GET', `/api/v1/tickets/${t.id}/attachments?limit=1`, { token: customer });
    expect(first.body.items.map((a: { id: string }) => a.id)).toEqual([answer.attachments[0].id]);
    const second = await app.request('GET', `/api/v1/tickets/${t.id}/attachments?limit=1&cursor=${first.body.nextCursor}`, { token: customer });
    expect(second.body).toEqual({ items: [answer.attachments[1]], nextCursor: null });

    const events = await app.request('GET', `/api/v1/tickets/${t.id}/events`, { token: customer });
    const comment = R.TicketEventPage.parse(events.body).items.find((e) => e.seq === answer.seq)!;
    expect(comment).toMatchObject({ type: 'comment.public', data: { body: 'Here is what I see', attachments: answer.attachments.map(({ id, name, size, contentType }) => ({ id, name, size, contentType })) } });

    const image = await download(agent, answer.attachments[0].href);
    expect(image.status).toBe(200);
    expect(sha256(image.bytes)).toBe(sha256(png));
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(parseDisposition(image.headers.get('content-disposition')!)).toEqual({ type: 'inline', parameters: { filename: 'screenshot.txt' } });
    const doc = await download(customer, answer.attachments[1].href);
    expect(sha256(doc.bytes)).toBe(sha256(text));
    expect(doc.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(parseDisposition(doc.headers.get('content-disposition')!)).toEqual({ type: 'attachment', parameters: { filename: 'steps.exe' } });
    for (const h of [image.headers, doc.headers]) {
      expect(h.get('x-content-type-options')).toBe('nosniff');
      expect(h.get('content-security-policy')).toMatch(/(^|; )sandbox($|;)/);
      expect(h.get('cache-control')).toBe('private');
    }
  });

  it('keeps a non-ASCII name for the download and never a path', async () => {
    const t = await newTicket();
    const res = await upload(customer, t.id, [{ filename: '../../etc/Faktúra\u202egnp.pdf', bytes: pdfDocument() }]);
    expect(res.status).toBe(201);
    const [file] = res.body.attachments;
    expect(file).toMatchObject({ name: 'Faktúragnp.pdf', contentType: 'application/pdf' });
    const got = await download(customer, file.href);
    // An ASCII fallback for old clients, the exact name in filename* (RFC 6266).
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="Fakt?ragnp.pdf"; filename*=UTF-8''Fakt%C3%BAragnp.pdf`);
    expect(parseDisposition(got.headers.get('content-disposition')!).parameters.filename).toBe('Faktúragnp.pdf');
  });

  it('refuses a file over the per-file limit with 413 naming it, and keeps nothing', async () => {
    const t = await newTicket();
    const res = await upload(customer, t.id, [{ filename: 'ok.txt', bytes: Buffer.from('fine') }, { filename: 'dump.bin', bytes: Buffer.alloc(limits.maxFileBytes + 1, 7) }]);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(res.body).toMatchObject({ type: expect.stringMatching(/attachment-too-large$/), limit: 'file' });
    expect(res.body.detail).toBe('The file "dump.bin" is larger than 64 KiB, the most one file may be');
    expect(await app.db('attachments').where({ ticket_id: t.id }).count('* as n').first()).toEqual({ n: 0 });
  });

  it("refuses files that would take the ticket past its limit with 413, and keeps what it has", async () => {
    const t = await newTicket();
    const chunk = () => ({ filename: 'part.bin', bytes: Buffer.alloc(60 * 1024, 1) });
    expect((await upload(customer, t.id, [chunk()])).status).toBe(201);
    expect((await upload(customer, t.id, [chunk()])).status).toBe(201);
    const third = await upload(customer, t.id, [chunk()]);
    expect(third.status).toBe(413);
    expect(third.body.limit).toBe('ticket');
    expect(third.body.detail).toMatch(/past its limit/);
    expect(await app.db('attachments').where({ ticket_id: t.id }).count('* as n').first()).toEqual({ n: 2 });
  });

  it('lets staff attach to an internal note that a customer never reaches (403 to post one, 404 to fetch one)', async () => {
    const t = await newTicket();
    const forbidden = await upload(customer, t.id, [{ filename: 'a.txt', bytes: Buffer.from('x') }], { visibility: 'internal' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.detail).toMatch(/customers cannot write internal notes/);
    expect(await stagedCount(t.id)).toBe(0);

    const note = await upload(agent, t.id, [{ filename: 'trace.log', bytes: Buffer.from('stack trace #4711') }], { body: 'Locking bug', visibility: 'internal' });
    expect(note.status).toBe(201);
    const [file] = note.body.attachments;
    expect(file.visibility).toBe('internal');
    expect((await download(agent, file.href)).status).toBe(200);
    const asCustomer = await download(customer, file.href);
    expect(asCustomer.status).toBe(404);
    expect(asCustomer.bytes.toString()).not.toContain('4711');
    expect((await app.request('GET', `/api/v1/tickets/${t.id}/attachments`, { token: customer })).body.items).toEqual([]);
    expect((await app.request('GET', `/api/v1/tickets/${t.id}/attachments`, { token: agent })).body.items.map((a: { id: string }) => a.id)).toEqual([file.id]);
    expect((await app.request('GET', `/api/v1/tickets/${t.id}/events`, { token: customer })).text).not.toContain(file.id);
  });

  it("answers 404 for another organisation's ticket and files, and for a missing file", async () => {
    const t = await newTicket();
    const res = await upload(customer, t.id, [{ filename: 'a.txt', bytes: Buffer.from('acme only') }]);
    const href = res.body.attachments[0].href as string;
    expect((await download(otherOrg, href)).status).toBe(404);
    expect((await app.request('GET', `/api/v1/tickets/${t.id}/attachments`, { token: otherOrg })).status).toBe(404);
    expect((await upload(otherOrg, t.id, [{ filename: 'b.txt', bytes: Buffer.from('b') }])).status).toBe(404);
    expect((await download(customer, `/api/v1/tickets/${t.id}/attachments/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    // A colleague who may not see the ticket (a key user of another line) is outside its scope too.
    expect((await download(colleague, href)).status).toBe(404);
  });

  it("does not let anyone put someone else's staged file on their event", async () => {
    const t = await newTicket();
    const owner = (await findActiveUserByEmail(app.db, 'user@acme.test'))!.principal;
    const [staged] = await stageAttachments(app.db, pgAttachmentStorage().store, { ticketId: t.id, uploadedBy: owner.id, source: 'api', files: [{ filename: 'mine.txt', bytes: Buffer.from('mine') }], limits });
    const res = await app.request('POST', `/api/v1/tickets/${t.id}/comments`, { token: agent, body: { body: 'taking it', attachments: [staged.id] } });
    expect(res.status).toBe(409);
    expect(res.body.type).toMatch(/unknown-attachment$/);
    // Staged, it is nobody's to download but its uploader's.
    expect((await download(agent, `/api/v1/tickets/${t.id}/attachments/${staged.id}`)).status).toBe(404);
    expect((await download(customer, `/api/v1/tickets/${t.id}/attachments/${staged.id}`)).status).toBe(200);
    // Its uploader may use it once.
    expect((await app.request('POST', `/api/v1/tickets/${t.id}/comments`, { token: customer, body: { attachments: [staged.id] } })).status).toBe(201);
    const again = await app.request('POST', `/api/v1/tickets/${t.id}/comments`, { token: customer, body: { attachments: [staged.id] } });
    expect(again.status).toBe(409);
  });

  it('honours Idempotency-Key: the same upload replays, other files with the key are 422', async () => {
    const t = await newTicket();
    const files = [{ filename: 'once.txt', bytes: Buffer.from('once') }];
    const first = await upload(customer, t.id, files, { body: 'once' }, { 'idempotency-key': 'upload-1' });
    const replay = await upload(customer, t.id, files, { body: 'once' }, { 'idempotency-key': 'upload-1' });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    const other = await upload(customer, t.id, [{ filename: 'once.txt', bytes: Buffer.from('twice') }], { body: 'once' }, { 'idempotency-key': 'upload-1' });
    expect(other.status).toBe(422);
    expect(await app.db('attachments').where({ ticket_id: t.id }).count('* as n').first()).toEqual({ n: 1 });
  });

  it('refuses uploads that are not multipart (415), carry no file or unknown fields (400)', async () => {
    const t = await newTicket();
    const json = await app.request('POST', `/api/v1/tickets/${t.id}/attachments`, { token: customer, body: { body: 'x' } });
    expect(json.status).toBe(415);
    expect((await upload(customer, t.id, [], { body: 'no file' })).status).toBe(400);
    const stray = await upload(customer, t.id, [{ name: 'upload', filename: 'a.txt', bytes: Buffer.from('a') }]);
    expect(stray.status).toBe(400);
    expect(stray.body.errors[0].field).toBe('body.upload');
    const unknown = await upload(customer, t.id, [{ filename: 'a.txt', bytes: Buffer.from('a') }], { colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(await stagedCount(t.id)).toBe(0);
  });

  it('refuses an anonymous multipart portal form (to the login page) before reading its first file', async () => {
    for (const path of ['/portal/tickets/new', '/portal/tickets/T-000001/reply', '/desk/tickets/T-000001/note']) {
      const boundary = 'b0undary';
      const req = httpRequest(`${app.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, origin: app.baseUrl } });
      const answered = new Promise<IncomingMessage>((resolve, reject) => {
        req.on('response', resolve);
        req.on('error', reject);
      });
      // The file's part starts and its bytes keep coming: the server must answer without waiting for its end.
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
      req.write(Buffer.alloc(16 * 1024, 1));
      const res = await Promise.race([answered, new Promise<null>((r) => setTimeout(() => r(null), 5_000))]);
      req.destroy();
      expect(res).not.toBeNull();
      expect(res!.statusCode).toBe(303);
      expect(res!.headers.location).toMatch(/^\/login\?next=/);
      res!.resume();
    }
  });

  it('puts files given with a new ticket on its ticket.created event', async () => {
    const p = (await findActiveUserByEmail(app.db, 'user@acme.test'))!.principal;
    const png = pngImage(4, 4);
    const { ticket } = await createTicket({ db: app.db, temporal: app.temporal, taskQueue: app.taskQueue, attachments: pgAttachmentStorage(limits) }, p, { ...incident, type: 'incident', impact: 'medium', urgency: 'high' } as never, undefined, {
      files: { source: 'portal', files: [{ filename: 'first.png', bytes: png }] },
    });
    const created = await eventually(() => app.db('ticket_events').where({ ticket_id: ticket.id, type: 'ticket.created' }).first(), 'ticket.created');
    expect(created.data.attachments).toEqual([{ id: expect.any(String), name: 'first.png', size: png.length, contentType: 'image/png' }]);
    const list = await app.request('GET', `/api/v1/tickets/${ticket.id}/attachments`, { token: customer });
    expect(list.body.items).toEqual([expect.objectContaining({ name: 'first.png', eventSeq: created.seq, visibility: 'public' })]);
  });

  it('removes staged files nobody put on an event, and only those', async () => {
    const t = await newTicket();
    const owner = (await findActiveUserByEmail(app.db, 'user@acme.test'))!.principal;
    const kept = await upload(customer, t.id, [{ filename: 'kept.txt', bytes: Buffer.from('kept') }]);
    await stageAttachments(app.db, pgAttachmentStorage().store, { ticketId: t.id, uploadedBy: owner.id, source: 'api', files: [{ filename: 'left.txt', bytes: Buffer.from('left') }], limits });
    expect(await stagedCount(t.id)).toBe(1);
    expect(await removeAbandonedStaged(app.db, pgAttachmentStorage(), 60_000)).toBe(0);
    await app.db('attachments').where({ ticket_id: t.id }).update({ created_at: app.db.raw("now() - interval '2 minutes'") });
    expect(await removeAbandonedStaged(app.db, pgAttachmentStorage(), 60_000)).toBeGreaterThanOrEqual(1);
    expect(await stagedCount(t.id)).toBe(0);
    expect((await download(customer, kept.body.attachments[0].href)).status).toBe(200);
  });
});
