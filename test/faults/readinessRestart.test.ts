import { createEventTracking, silentLogger } from '../../src';
import { CredentialStore } from '../../src/auth/credentialStore';
import { buildServer } from '../../src/rest/buildServer';
import { DedicatedCluster } from './dedicatedCluster';

// As databaseRestart.test.ts: a cluster of the test's own, stopped and started again.
const describeRestart = process.env.FCRM_TEST_SKIP_RESTART === '1' ? describe.skip : describe;

describeRestart('/readyz through a PostgreSQL restart (a dedicated cluster)', () => {
  let cluster: DedicatedCluster;
  beforeAll(async () => {
    cluster = await DedicatedCluster.start();
  }, 60_000);
  afterAll(() => cluster?.destroy());

  test('503 naming the database within 2 s of the outage, probes never pile up, /livez stays 200, and 200 again by itself', async () => {
    const rt = await createEventTracking({ databaseUrl: cluster.url, logger: silentLogger, poolSize: 4 });
    const credentials = new CredentialStore(rt.dataSource, rt.database.schema);
    const app = await buildServer({ runtime: rt, credentials });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const probe = async (path = '/readyz') => {
        const response = await fetch(`${origin}${path}`);
        return { status: response.status, body: (await response.json()) as Record<string, unknown> };
      };
      expect((await probe()).status).toBe(200);

      await cluster.stopServer();
      const down = Date.now();
      let outage = await probe();
      for (let attempt = 0; outage.status === 200 && attempt < 100; attempt += 1) outage = await probe();
      const noticedAfterMs = Date.now() - down;
      expect(outage.status).toBe(503);
      expect(outage.body).toEqual({ status: 'unavailable', failing: 'database', checks: { database: expect.stringMatching(/^(unreachable|timeout)$/), migrations: 'unknown', shutdown: 'ok' } });
      expect(noticedAfterMs).toBeLessThan(2_000);
      // Many probes at once while down: each answers 503 within the check's bound, and the pool has no queue of them.
      const many = await Promise.all(Array.from({ length: 20 }, () => probe()));
      expect(many.map((answer) => answer.status)).toEqual(Array(20).fill(503));
      const pool = (rt.dataSource.driver as unknown as { master: { waitingCount: number } }).master;
      expect(pool.waitingCount).toBeLessThanOrEqual(1);
      expect((await probe('/livez')).status).toBe(200);

      await cluster.startServer();
      let back = await probe();
      for (let attempt = 0; back.status !== 200 && attempt < 200; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        back = await probe();
      }
      expect(back).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok', migrations: 'ok', shutdown: 'ok' } } });
    } finally {
      await app.close();
      await credentials.idle();
      await rt.close();
    }
  }, 120_000);
});
