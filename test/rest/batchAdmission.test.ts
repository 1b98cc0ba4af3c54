import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { json, openTestServer, type TestServer } from '../helpers/testServer';

interface HeldBatch {
  req: ClientRequest;
  /** True when the server answered before the body was complete (it was refused: another request got the place first). */
  refused(): boolean;
  finish(): Promise<{ status: number; body: any }>;
}

/** A batch whose body is sent in two parts: the server admits it on its headers and holds it until the rest comes. */
function startBatch(t: TestServer, events: unknown[]): HeldBatch {
  const body = Buffer.from(JSON.stringify({ events }));
  const url = new URL(`${t.base}/subscribers/track-events`);
  const req = request({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'POST',
    headers: { authorization: t.auth.manage, 'content-type': 'application/json', 'content-length': body.length },
  });
  let early = false;
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', (response) => {
      early = true;
      resolve(response);
    });
    req.on('error', reject);
  });
  answered.catch(() => undefined); // an aborted batch never gets its answer
  const half = Math.floor(body.length / 2);
  req.write(body.subarray(0, half));
  return {
    req,
    refused: () => early,
    async finish() {
      req.end(body.subarray(half));
      const response = await answered;
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      return { status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) };
    },
  };
}

const events = (n: number) => Array.from({ length: n }, (_, i) => ({ event_key: 'bulk', title: `Item ${i}`, email: 'batch@example.com' }));

/**
 * Starts a held batch and sends small batches until one is refused: the held batch then has the
 * place. A probe may reach the server before the held batch's headers do and take the place itself;
 * the held batch is then refused and started again (bounded).
 */
async function holdPlace(t: TestServer, size: number): Promise<{ held: HeldBatch; refusal: { status: number; body: any; headers: Headers } }> {
  let held = startBatch(t, events(size));
  for (let i = 0; i < 200; i += 1) {
    const probe = await t.call('/subscribers/track-events', json({ events: events(1) }));
    if (probe.status === 503 && !held.refused()) return { held, refusal: probe };
    if (held.refused()) {
      held.req.destroy();
      held = startBatch(t, events(size));
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the held batch never got the place');
}

/** Small batches until one is accepted: the held place has been freed (bounded). */
async function untilAccepted(t: TestServer) {
  for (let i = 0; i < 200; i += 1) {
    const probe = await t.call('/subscribers/track-events', json({ events: events(1) }));
    if (probe.status === 200) return probe;
    expect(probe.status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the batch place was never released');
}

describe('batches processed at once are bounded (maxConcurrentBatches)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await openTestServer({ maxConcurrentBatches: 1 });
    expect((await t.call('/subscribers', json({ email: 'batch@example.com' }))).status).toBe(200);
  });
  afterAll(() => t.close());

  test('with a bound of 1, a second concurrent batch gets 503 + Retry-After while the first completes', async () => {
    const { held: first, refusal: refused } = await holdPlace(t, 200);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body).toEqual({ message: expect.stringContaining('retry in a moment'), error_code: 'server_busy' });
    const done = await first.finish();
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ stored: 200, failed: 0 });
    expect((await untilAccepted(t)).body).toMatchObject({ stored: 1 });
  });

  test('a client that disconnects mid-body frees its place', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { held: aborted } = await holdPlace(t, 200);
      aborted.req.destroy();
      await untilAccepted(t);
    }
  });

  test('refused, unauthenticated and malformed batches free their places too', async () => {
    const unauthenticated = await t.call('/subscribers/track-events', { ...json({ events: events(1) }), as: null });
    expect(unauthenticated.status).toBe(401);
    const malformed = await t.call('/subscribers/track-events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"events": [' });
    expect(malformed.status).toBe(400);
    const invalid = await t.call('/subscribers/track-events', json({ events: 'none' }));
    expect(invalid.status).toBe(422);
    const accepted = await t.call('/subscribers/track-events', json({ events: events(1) }));
    expect(accepted.status).toBe(200);
  });

  test('other routes are not bounded by it', async () => {
    const { held } = await holdPlace(t, 10);
    expect((await t.call('/subscribers/track-event', json({ event_key: 'single', title: 'One', email: 'batch@example.com' }))).status).toBe(200);
    expect((await held.finish()).status).toBe(200);
  });
});

describe('POST /subscribers/batch takes its place among the same batches', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await openTestServer({ maxConcurrentBatches: 1 });
    expect((await t.call('/subscribers', json({ email: 'batch@example.com' }))).status).toBe(200);
  });
  afterAll(() => t.close());

  test('while an event batch holds the only place, a contact batch gets 503 and writes nothing; then it goes through', async () => {
    const { held } = await holdPlace(t, 10);
    const refused = await t.call('/subscribers/batch', json({ contacts: [{ email: 'refused@example.com' }] }));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body).toEqual({ message: expect.stringContaining('retry in a moment'), error_code: 'server_busy' });
    expect(await t.rt.api('contacts').getContact('refused@example.com')).toBeNull();
    expect((await held.finish()).status).toBe(200);
    for (let i = 0; i < 200; i += 1) {
      const accepted = await t.call('/subscribers/batch', json({ contacts: [{ email: 'refused@example.com' }] }));
      if (accepted.status === 200) {
        expect(accepted.body).toMatchObject({ created: 1, updated: 0, failed: 0 });
        return;
      }
      expect(accepted.status).toBe(503);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the batch place was never released');
  });
});
