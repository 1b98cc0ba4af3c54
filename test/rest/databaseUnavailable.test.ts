import { Client, Pool } from 'pg';
import { unavailableAnswer } from '../../src/rest/unavailable';
import { dropSchema, testDatabaseUrl } from '../helpers/testRuntime';
import { openTcpProxy, type TcpProxy } from '../helpers/tcpProxy';
import { json, openTestServer, type TestServer } from '../helpers/testServer';

describe('a database that goes away answers 503 database_unavailable on every route, never 500', () => {
  let proxy: TcpProxy;
  let t: TestServer;
  beforeAll(async () => {
    proxy = await openTcpProxy(testDatabaseUrl());
    // The runtime reaches PostgreSQL only through the relay; the schema is dropped over a direct connection.
    t = await openTestServer({}, { databaseUrl: proxy.url, poolSize: 3 });
    // Warm up: both credentials verified (cached) and the pool's connections open.
    expect((await t.call('/subscribers', json({ email: 'a@example.com' }))).status).toBe(200);
    expect((await t.call('/subscribers/track-event', json({ event_key: 'k', title: 'T', email: 'a@example.com' }))).status).toBe(200);
    expect((await t.call('/subscribers', { as: 'read' })).status).toBe(200);
    await proxy.cut();
  });
  afterAll(async () => {
    await t.app.close();
    await t.rt.close().catch(() => undefined); // its pool cannot say goodbye through a cut relay
    await dropSchema(t.schema);
  });

  test.each([
    ['GET /subscribers', '/subscribers', {}],
    ['GET /subscribers/1', '/subscribers/1', {}],
    ['GET /subscribers/1/tracking-events', '/subscribers/1/tracking-events', {}],
    ['GET /reports/ajax-options', '/reports/ajax-options?option_key=event_tracking_keys', {}],
    ['POST /subscribers/track-event', '/subscribers/track-event', json({ event_key: 'k', title: 'T', email: 'a@example.com' })],
  ])('%s', async (_name, path, init) => {
    const answer = await t.call(path, { ...init, as: (init as RequestInit).method === 'POST' ? 'manage' : 'read' });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(answer.body).toEqual({ message: expect.stringContaining('The database is unavailable'), error_code: 'database_unavailable' });
  });

  test('a read says nothing was changed; a write says to retry with an idempotency key', async () => {
    const read = await t.call('/subscribers', { as: 'read' });
    expect(read.body.message).toContain('Nothing was changed');
    const write = await t.call('/subscribers/track-event', json({ event_key: 'k', title: 'T', email: 'a@example.com' }));
    expect(write.body.message).toContain('idempotency_key');
  });
});

describe('the 503 mapping covers the real driver errors of a timeout', () => {
  // The embedded database ignores statement_timeout.
  const onPostgres = process.env.FCRM_TEST_DATABASE_KIND === 'embedded' ? test.skip : test;

  onPostgres('a statement timeout (57014), raw and wrapped by TypeORM', async () => {
    const client = new Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      await client.query('SET statement_timeout = 20');
      const error = await client.query('SELECT pg_sleep(5)').then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: '57014' });
      expect(unavailableAnswer(error, 'GET')?.body.error_code).toBe('database_unavailable');
      // TypeORM's QueryFailedError keeps the driver's error as driverError.
      expect(unavailableAnswer({ name: 'QueryFailedError', message: 'x', driverError: error }, 'GET')?.body.error_code).toBe('database_unavailable');
    } finally {
      await client.end();
    }
  });

  test('no connection from the pool within its timeout', async () => {
    const pool = new Pool({ connectionString: testDatabaseUrl(), max: 1, connectionTimeoutMillis: 1_000 });
    const held = await pool.connect();
    try {
      const error = await pool.connect().then(
        (extra) => {
          extra.release();
          return null;
        },
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(Error);
      expect(unavailableAnswer(error, 'GET')?.body.error_code).toBe('database_unavailable');
    } finally {
      held.release();
      await pool.end();
    }
  });

  test('a query error that is the caller\'s or ours is not a 503', async () => {
    const client = new Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      const error = await client.query('SELECT 1/0').then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: '22012' });
      expect(unavailableAnswer(error, 'GET')).toBeNull();
    } finally {
      await client.end();
    }
  });
});
