import { FailedAuthLimiter } from '../../src/rest/failedAuthLimiter';
import { basicAuth, openTestServer, type TestServer } from '../helpers/testServer';

describe('rate limit on failed authentication', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer({ failedAuthLimit: { max: 3, windowMs: 1_500 } });
  });
  afterAll(() => s.close());

  test('after too many failures the address gets 429 with Retry-After, even with a right password, until the window ends', async () => {
    const wrong = { headers: { authorization: basicAuth('manager', 'not-the-password') }, as: null } as const;
    for (let i = 0; i < 3; i += 1) expect((await s.call('/subscribers/1/tracking-events', wrong)).status).toBe(401);
    const blocked = await s.call('/subscribers/1/tracking-events', wrong);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ code: 'rest_too_many_requests', data: { status: 429 } });
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await s.call('/subscribers/1/tracking-events', { as: 'read' })).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect((await s.call('/subscribers/1/tracking-events', { as: 'read' })).status).toBe(404); // authenticated again (no such contact)
  });
});

describe('FailedAuthLimiter', () => {
  test('counts per address within a window', () => {
    const limiter = new FailedAuthLimiter({ max: 2, windowMs: 1000 });
    limiter.recordFailure('a', 0);
    expect(limiter.blockedFor('a', 10)).toBe(0);
    limiter.recordFailure('a', 20);
    expect(limiter.blockedFor('a', 30)).toBe(1);
    expect(limiter.blockedFor('b', 30)).toBe(0);
    expect(limiter.blockedFor('a', 1000)).toBe(0);
    limiter.recordFailure('a', 1001); // a new window
    expect(limiter.blockedFor('a', 1002)).toBe(0);
  });
});
