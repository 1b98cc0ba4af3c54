import { openTestServer, type TestServer } from '../helpers/testServer';
import { openRaw, portOf, serverConnectionsDrop } from '../helpers/rawHttp';

// An answer sent before the request body has arrived (413, 401, …) must reach an ordinary client:
// the server reads and discards the rest of the body, within bounds, before closing (issue 13, item 16).

/** A body fetch streams in 64 KiB chunks (chunked, no Content-Length), as an upload from a file would. */
function streamOf(total: number): ReadableStream<Uint8Array> {
  const piece = new Uint8Array(64 * 1024).fill(0x78);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      sent += piece.length;
      controller.enqueue(piece);
    },
  });
}

const upload = (s: TestServer, route: string, total: number, authorization?: string) =>
  fetch(`${s.base}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: streamOf(total),
    duplex: 'half',
  } as RequestInit);

describe('answers sent before the body arrived are readable', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer({ failedAuthLimit: { max: 1_000, windowMs: 60_000 } });
  });
  afterAll(() => s.close());

  test('fetch streaming 24 MiB to the 10 MiB batch route reads the 413 (was EPIPE)', async () => {
    for (let i = 0; i < 3; i++) {
      const response = await upload(s, '/subscribers/track-events', 24 * 1024 * 1024, s.auth.manage);
      expect(response.status).toBe(413);
      expect(response.headers.get('connection')).toBe('close');
      expect(await response.json()).toMatchObject({ code: 'rest_request_too_large', data: { status: 413 } });
    }
  });

  test('fetch streaming 12 MiB without credentials reads the 401', async () => {
    const response = await upload(s, '/subscribers/track-events', 12 * 1024 * 1024);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'rest_forbidden', data: { status: 401 } });
  });

  test('the server still serves afterwards', async () => {
    expect((await s.call('/subscribers/track-events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"events":[]}' })).status).toBe(200);
  });
});

describe('the discarding is bounded', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer({ linger: { maxBytes: 256 * 1024, maxMs: 300 } });
  });
  afterAll(() => s.close());

  const announce = (length: number) =>
    'POST /wp-json/fluent-crm/v2/subscribers/track-event HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
    `Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

  test('past maxBytes of discarded body the connection is closed', async () => {
    const raw = await openRaw(portOf(s.base), { allowHalfOpen: true });
    raw.socket.write(announce(100 * 1024 * 1024));
    expect((await raw.response()).status).toBe(401);
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    // 4 MiB at most, far past the 256 KiB bound; stop as soon as the server has closed.
    for (let i = 0; i < 64 && !raw.isClosed(); i++) {
      await new Promise<void>((done) => (raw.socket.write(chunk) ? done() : raw.socket.once('drain', done).once('close', done)));
    }
    // The client keeps its side open; the server has let go of the connection.
    await serverConnectionsDrop(s.app.server, 10_000);
    raw.socket.destroy();
  });

  test('a body that never comes is waited for at most maxMs', async () => {
    const raw = await openRaw(portOf(s.base), { allowHalfOpen: true });
    raw.socket.write(announce(1_000));
    const answer = await raw.response();
    expect(answer.status).toBe(401);
    expect(answer.headers.connection).toBe('close');
    await serverConnectionsDrop(s.app.server, 10_000);
    raw.socket.destroy();
  });
});
