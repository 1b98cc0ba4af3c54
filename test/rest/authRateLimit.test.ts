import { connect } from 'node:net';
import { HashWorkQueue } from '../../src/auth/hashWorkQueue';
import { verifyPassword } from '../../src/auth/passwordHash';
import { basicAuth, openTestServer, type TestServer } from '../helpers/testServer';

const ROUTE = '/reports/ajax-options?option_key=event_tracking_keys'; // 200 for any reader

/** A verifyHash that counts the hashes it computes (the real scrypt). */
function countingHasher() {
  const counter = { hashes: 0 };
  const verifyHash = async (password: string, encoded: string) => {
    counter.hashes += 1;
    return verifyPassword(password, encoded);
  };
  return { counter, verifyHash };
}

function wrongFrom(address: string | null, password = 'not-the-password') {
  const headers: Record<string, string> = { authorization: basicAuth('manager', password) };
  if (address) headers['x-forwarded-for'] = address;
  return { headers, as: null } as const;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`never happened: ${what}`);
}

describe('rate limit on failed authentication', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer({ failedAuthLimit: { max: 3, windowMs: 60_000 } });
  });
  afterAll(() => s.close());

  // When the window ends is tested with a moved clock in test/unit/failedAuthLimiter.test.ts.
  test('after too many failures the address gets 429 with Retry-After, even with a right password', async () => {
    const wrong = wrongFrom(null);
    for (let i = 0; i < 3; i += 1) expect((await s.call('/subscribers/1/tracking-events', wrong)).status).toBe(401);
    const blocked = await s.call('/subscribers/1/tracking-events', wrong);
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ code: 'rest_too_many_requests', data: { status: 429 } });
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await s.call('/subscribers/1/tracking-events', { as: 'read' })).status).toBe(429);
  });
});

describe('the limit holds under concurrency (an attempt is reserved before its hash)', () => {
  const { counter, verifyHash } = countingHasher();
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer({ credentialOptions: { verifyHash } }); // the default limit: 20 a minute
  });
  afterAll(() => s.close());

  test('100 concurrent wrong passwords from one address: 20 answered 401, 80 answered 429, 20 hashes computed', async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => s.call(ROUTE, wrongFrom(null, `wrong-${i}`))),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(80);
    expect(counter.hashes).toBe(20);
    expect((await s.call(ROUTE, { as: 'read' })).status).toBe(429); // and the address stays blocked
    expect(counter.hashes).toBe(20);
  });
});

describe('a right password is not a failure', () => {
  test('five verifications of the right password (no cache) leave the whole limit for wrong ones', async () => {
    const s = await openTestServer({ failedAuthLimit: { max: 3, windowMs: 60_000 }, credentialOptions: { cacheTtlMs: 0 } });
    try {
      for (let i = 0; i < 5; i += 1) expect((await s.call(ROUTE, { as: 'read' })).status).toBe(200);
      for (let i = 0; i < 3; i += 1) expect((await s.call(ROUTE, wrongFrom(null))).status).toBe(401);
      expect((await s.call(ROUTE, wrongFrom(null))).status).toBe(429);
    } finally {
      await s.close();
    }
  });
});

describe('requests without credentials cost no hash and are not counted', () => {
  const { counter, verifyHash } = countingHasher();
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer({ credentialOptions: { verifyHash }, trustProxy: ['127.0.0.1'] });
  });
  afterAll(() => s.close());

  test('the same wrong password sent 50 times at once shares one hash, yet each attempt counts', async () => {
    const before = counter.hashes;
    const answers = await Promise.all(Array.from({ length: 50 }, () => s.call(ROUTE, wrongFrom('127.0.0.41'))));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(20);
    expect(statuses.filter((status) => status === 429)).toHaveLength(30);
    expect(counter.hashes - before).toBeLessThanOrEqual(20);
  });

  test('25 anonymous requests (and other schemes), then the right credential → 200', async () => {
    const before = counter.hashes;
    for (let i = 0; i < 25; i += 1) {
      const answer = await s.call(ROUTE, { as: null });
      expect(answer.status).toBe(401);
      expect(answer.body).toMatchObject({ code: 'rest_forbidden' });
    }
    for (const authorization of ['Bearer abc', 'Basic', 'Basic !!!!', `Basic ${Buffer.from('no-colon').toString('base64')}`]) {
      expect((await s.call(ROUTE, { as: null, headers: { authorization } })).status).toBe(401);
    }
    expect(counter.hashes).toBe(before);
    expect((await s.call(ROUTE, { as: 'read' })).status).toBe(200);
  });
});

describe('TRUST_PROXY decides which address is limited', () => {
  test('with the proxy trusted, X-Forwarded-For names the client: another client behind the same proxy is not blocked', async () => {
    const s = await openTestServer({ failedAuthLimit: { max: 3, windowMs: 60_000 }, trustProxy: ['127.0.0.1'] });
    try {
      for (let i = 0; i < 3; i += 1) expect((await s.call(ROUTE, wrongFrom('127.0.0.11'))).status).toBe(401);
      expect((await s.call(ROUTE, wrongFrom('127.0.0.11'))).status).toBe(429);
      const other = await s.call(ROUTE, { as: 'read', headers: { 'x-forwarded-for': '127.0.0.12' } });
      expect(other.status).toBe(200);
    } finally {
      await s.close();
    }
  });

  test('without it the header is ignored: the connection address is limited', async () => {
    const s = await openTestServer({ failedAuthLimit: { max: 3, windowMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i += 1) expect((await s.call(ROUTE, wrongFrom(`127.0.0.${20 + i}`))).status).toBe(401);
      const other = await s.call(ROUTE, { as: 'read', headers: { 'x-forwarded-for': '127.0.0.12' } });
      expect(other.status).toBe(429);
    } finally {
      await s.close();
    }
  });
});

describe('the password-hash work in flight is bounded and shared fairly', () => {
  // Hashes wait until `release()`, so the queue's state is known when each assertion runs.
  const calls: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const verifyHash = async (password: string, encoded: string) => {
    calls.push(password);
    await released;
    return verifyPassword(password, encoded);
  };
  const queue = new HashWorkQueue({ running: 1, waiting: 4, waitingPerClient: 2 });
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer({
      trustProxy: ['127.0.0.1'],
      hashQueue: queue,
      credentialOptions: { verifyHash },
    });
  });
  afterAll(() => s.close());

  test('a flood from one address is refused past the bound (503, Retry-After) and a login from another goes ahead of it', async () => {
    const flood = Array.from({ length: 20 }, (_, i) => s.call(ROUTE, wrongFrom('127.0.0.31', `flood-${i}`)));
    const answered: Array<{ status: number; body: any; headers: Headers }> = [];
    for (const request of flood) void request.then((answer) => answered.push(answer));
    // One hash runs, two of this address wait; the other 17 are refused at once, before any hash.
    await until(() => answered.length === 17, '17 of the flood answered');
    for (const answer of answered) {
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ code: 'rest_server_busy', data: { status: 503 } });
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(calls).toHaveLength(1);

    const [name, password] = Buffer.from(s.auth.read.slice('Basic '.length), 'base64').toString().split(':');
    expect(name).toBe('reader');
    const login = s.call(ROUTE, { as: 'read', headers: { 'x-forwarded-for': '127.0.0.32' } });
    await until(() => queue.stats().waiting === 3, 'the login waits in the queue');
    release();
    expect((await login).status).toBe(200);
    const rest = await Promise.all(flood);
    expect(rest.filter((answer) => answer.status === 401)).toHaveLength(3);
    // Round-robin: the login's hash came before the flood's last waiting one, not after all of them.
    expect(calls).toHaveLength(4);
    expect(calls.indexOf(password)).toBeLessThan(3);
  });
});

describe('Authorization header and answer headers', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer();
  });
  afterAll(() => s.close());

  test('two Authorization headers → 400 in WordPress shape (Node would keep only the first)', async () => {
    const { port, pathname } = new URL(`${s.base}${ROUTE}`);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      socket.write(
        `GET ${pathname}?option_key=event_tracking_keys HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          `Authorization: ${s.auth.read}\r\nAuthorization: ${s.auth.manage}\r\nConnection: close\r\n\r\n`,
      );
    });
    expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ code: 'rest_duplicate_authorization', data: { status: 400 } });
  });

  test('answers carry Cache-Control: no-store and X-Content-Type-Options: nosniff', async () => {
    for (const answer of [await s.call(ROUTE, { as: 'read' }), await s.call(ROUTE, { as: null }), await s.call('/no-such-route')]) {
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});
