import { createEventTracking, DatabaseUnavailableError, silentLogger } from '../../src';
import { DedicatedCluster } from './dedicatedCluster';

const binaries = DedicatedCluster.binaries();
// The machine's PostgreSQL binaries start a cluster of the test's own; without them there is nothing to restart.
const describeWithCluster = binaries ? describe : describe.skip;

describeWithCluster('PostgreSQL restarted while events are flowing (a dedicated cluster)', () => {
  let cluster: DedicatedCluster;
  beforeAll(async () => {
    cluster = await DedicatedCluster.start();
  }, 60_000);
  afterAll(() => cluster?.destroy());

  test('calls fail with a clear error or succeed, none hangs, the runtime recovers by itself, every success is stored', async () => {
    const rt = await createEventTracking({ databaseUrl: cluster.url, logger: silentLogger, poolSize: 4 });
    try {
      const contact = await rt.api('contacts').createOrUpdate({ email: 'restart@example.com' });
      let succeeded = 0;
      const failures: unknown[] = [];
      let longest = 0;
      let running = true;
      const loops = Array.from({ length: 8 }, async () => {
        while (running) {
          const started = Date.now();
          try {
            await rt.api('event_tracker').track({ event_key: 'flow', title: 'Flowing', subscriber_id: contact.id });
            succeeded += 1;
          } catch (error) {
            failures.push(error);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          longest = Math.max(longest, Date.now() - started);
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const beforeRestart = succeeded;
      await cluster.restart(); // the load keeps running while the server goes down and comes back
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const afterRestart = succeeded;
      running = false;
      await Promise.all(loops);

      expect(beforeRestart).toBeGreaterThan(0);
      // Recovered without restarting the runtime: calls succeed again after the database came back.
      const recovered = await rt.api('event_tracker').track({ event_key: 'flow', title: 'Flowing', subscriber_id: contact.id });
      expect(recovered.counter).toBeGreaterThan(0);
      expect(afterRestart).toBeGreaterThanOrEqual(beforeRestart);
      // No call hung past the documented timeouts (10 s connect, 30 s statement).
      expect(longest).toBeLessThan(30_000);
      // Every failure is the typed, actionable database_unavailable error, never a raw driver error.
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) {
        expect(failure).toBeInstanceOf(DatabaseUnavailableError);
        expect(failure).toMatchObject({ code: 'database_unavailable', message: expect.stringContaining('retry the call') });
      }
      // Every call that reported success is in the database (plus the recovery call).
      const [{ total }] = await rt.dataSource.query('SELECT coalesce(sum(counter), 0)::int AS total FROM fc_event_tracking');
      expect(total).toBe(succeeded + 1);
    } finally {
      await rt.close();
    }
  }, 120_000);
});
