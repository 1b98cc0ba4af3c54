import { basicAuth, openTestServer, type TestServer } from '../helpers/testServer';
import { openRaw, portOf } from '../helpers/rawHttp';

// Authentication runs in onRequest: a request without a valid credential, or from a blocked address,
// is answered before its body is received or parsed (issue 13, item 6).

/** A JSON batch of about `bytes` bytes, under the batch route's 10 MiB limit. */
const bigBatch = (bytes: number) => JSON.stringify({ events: [{ event_key: 'k', title: 'T', value: 'v'.repeat(bytes) }] });

describe('authentication before the body', () => {
  let s: TestServer;
  let bodiesRead = 0;
  beforeAll(async () => {
    s = await openTestServer({
      failedAuthLimit: { max: 10, windowMs: 60_000 },
      // preParsing runs when Fastify starts reading a body: it counts the bodies read.
      prepare: (app) => app.addHook('preParsing', async (_request, _reply, payload) => {
        bodiesRead += 1;
        return payload;
      }),
    });
  });
  afterAll(() => s.close());

  const post = (authorization: string | null, body: string) =>
    fetch(`${s.base}/subscribers/track-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body,
    });

  test('a 9 MB body without credentials is answered 401 and never read; with a credential it is', async () => {
    const body = bigBatch(9_000_000);
    const before = bodiesRead;
    for (let i = 0; i < 3; i++) {
      const response = await post(null, body);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: 'rest_forbidden', data: { status: 401 } });
    }
    expect(bodiesRead).toBe(before);
    // The counter does count: a credentialed request reads its body.
    const ok = await post(s.auth.manage, JSON.stringify({ events: [] }));
    expect(ok.status).toBe(200);
    expect(bodiesRead).toBe(before + 1);
  });

  test('a body announced and never sent, without credentials, gets its 401 at once', async () => {
    const raw = await openRaw(portOf(s.base));
    raw.socket.write(
      'POST /wp-json/fluent-crm/v2/subscribers/track-events HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        'Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n',
    );
    const answer = await raw.response();
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: 'rest_forbidden' });
    expect(answer.headers.connection).toBe('close');
    raw.socket.destroy();
  });

  test('a blocked address gets 429 for a 9 MB body, even with the right credential, without it being read', async () => {
    const wrong = basicAuth('manager', 'wrong-password-000000000');
    let blocked = false;
    for (let i = 0; i < 20 && !blocked; i++) blocked = (await post(wrong, '{}')).status === 429;
    expect(blocked).toBe(true);
    const before = bodiesRead;
    const response = await post(s.auth.manage, bigBatch(9_000_000));
    expect(response.status).toBe(429);
    expect(await response.json()).toMatchObject({ code: 'rest_too_many_requests', data: { status: 429 } });
    expect(bodiesRead).toBe(before);
  });
});
