import { openTestServer, type TestServer } from '../helpers/testServer';
import { openRaw, portOf, serverConnectionsDrop, type RawConnection } from '../helpers/rawHttp';

// Slow or idle clients cannot hold connections: request, headers and keep-alive timeouts, and a cap
// on connections (issue 13, item 7). The limits are small here; the defaults are in connectionLimits.ts.

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('timeouts', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer({
      connectionLimits: { requestTimeoutMs: 600, headersTimeoutMs: 300, keepAliveTimeoutMs: 300 },
    });
  });
  afterAll(() => s.close());

  const announce = () =>
    `POST /wp-json/fluent-crm/v2/subscribers/track-event HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${s.auth.manage}\r\n` +
    'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n';

  const expectTimedOut = async (raw: RawConnection) => {
    const answer = await raw.response();
    expect(answer.status).toBe(408);
    expect(answer.body).toEqual({ code: 'rest_request_timeout', message: 'The request did not arrive in time.', data: { status: 408 } });
    await serverConnectionsDrop(s.app.server, 10_000);
  };

  test('a body that stalls is answered 408 and its connection closed', async () => {
    const raw = await openRaw(portOf(s.base), { allowHalfOpen: true });
    raw.socket.write(announce());
    raw.socket.write('{"event_key":');
    await expectTimedOut(raw);
    raw.socket.destroy();
  });

  test('a body fed a byte at a time is cut off at the request timeout', async () => {
    const raw = await openRaw(portOf(s.base), { allowHalfOpen: true });
    raw.socket.write(announce());
    // Each byte arrives well within any idle timeout; only the total time is over. At most 999 bytes.
    for (let i = 0; i < 999 && !raw.isClosed() && raw.received() === ''; i++) {
      raw.socket.write(' ');
      await pause(20);
    }
    await expectTimedOut(raw);
    raw.socket.destroy();
  });

  test('headers that never finish are cut off at the headers timeout', async () => {
    const raw = await openRaw(portOf(s.base), { allowHalfOpen: true });
    raw.socket.write('GET /wp-json/fluent-crm/v2/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await expectTimedOut(raw);
    raw.socket.destroy();
  });

  test('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const raw = await openRaw(portOf(s.base), { allowHalfOpen: true });
    raw.socket.write('GET /wp-json/fluent-crm/v2/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const answer = await raw.response();
    expect(answer.status).toBe(200);
    expect(answer.headers.connection).toBe('keep-alive');
    await serverConnectionsDrop(s.app.server, 10_000);
    raw.socket.destroy();
  });
});

describe('connection cap', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer({ connectionLimits: { maxConnections: 3 } });
  });
  afterAll(() => s.close());

  test('connections beyond the cap are closed at once while the earlier ones still work', async () => {
    const port = portOf(s.base);
    const held: RawConnection[] = [];
    for (let i = 0; i < 3; i++) held.push(await openRaw(port));
    const count = () => new Promise<number>((resolve) => s.app.server.getConnections((_error, n) => resolve(n)));
    for (let i = 0; i < 200 && (await count()) < 3; i++) await pause(10);
    expect(await count()).toBe(3);

    const extra = await openRaw(port);
    extra.socket.write('GET /wp-json/fluent-crm/v2/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await extra.closed;
    expect(extra.received()).toBe('');

    for (const raw of held) {
      raw.socket.write('GET /wp-json/fluent-crm/v2/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      expect((await raw.response()).status).toBe(200);
      raw.socket.destroy();
    }
  });
});
