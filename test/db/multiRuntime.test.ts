import { createEventTracking, HOOKS, silentLogger, type EventTrackingRuntime } from '../../src';
import { createContact } from '../helpers/fixtures';
import { openTestRuntime, testDatabaseUrl, type TestRuntime } from '../helpers/testRuntime';

// Independent writers on one schema, as several server processes would be: each runtime has its own
// pool and coalescing writer (writeConcurrency 4), and calls are spread over many ticks so they become
// many statements in flight at once; the database alone arbitrates between them.
const RUNTIMES = 4;
const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('several runtimes writing to one schema', () => {
  let t: TestRuntime;
  let runtimes: EventTrackingRuntime[];
  beforeAll(async () => {
    t = await openTestRuntime({ writeConcurrency: 4 });
    const more = await Promise.all(
      Array.from({ length: RUNTIMES - 1 }, () =>
        createEventTracking({ databaseUrl: testDatabaseUrl(), schema: t.schema, logger: silentLogger, writeConcurrency: 4 }),
      ),
    );
    runtimes = [t.rt, ...more];
  });
  afterAll(async () => {
    await Promise.all(runtimes.slice(1).map((rt) => rt.close()));
    await t.close();
  });
  beforeEach(async () => {
    await t.reset();
    await t.sql('TRUNCATE {schema}.fc_event_idempotency_keys, {schema}.fc_event_outbox, {schema}.fc_event_occurrences');
  });

  /** Issues `count` calls from each runtime, one new call per tick (never awaited in between). */
  async function spread<T>(count: number, call: (rt: EventTrackingRuntime, i: number, r: number) => Promise<T>): Promise<T[][]> {
    const perRuntime: Array<Array<Promise<T>>> = runtimes.map(() => []);
    for (let i = 0; i < count; i += 1) {
      runtimes.forEach((rt, r) => perRuntime[r].push(call(rt, i, r)));
      await nextTick();
    }
    return Promise.all(perRuntime.map((calls) => Promise.all(calls)));
  }

  test('counters: 4 runtimes × 250 calls on one event lose no increment and hand out each counter once', async () => {
    const contact = await createContact(t.rt);
    const results = await spread(250, (rt, i) => rt.api('event_tracker').track({ event_key: 'shared', title: 'Shared', subscriber_id: contact.id, value: String(i) }));
    const counters = results.flat().map((row) => row.counter).sort((a, b) => a - b);
    expect(counters).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(await t.sql('SELECT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: 1000 }]);
    const [{ n }] = await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM {schema}.fc_event_occurrences');
    expect(n).toBe(1000);
  });

  test('idempotency claims: 4 runtimes racing for 150 keys store each key once and fire its done action once', async () => {
    const contact = await createContact(t.rt);
    const done: string[] = [];
    runtimes.forEach((rt, r) => rt.hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, `test/multi/${r}`, (event: { value: string }) => done.push(event.value)));
    try {
      // Every runtime sends every key, each in its own order, so the claims race from all sides.
      const keys = Array.from({ length: 150 }, (_, i) => `order-${i}`);
      const results = await spread(keys.length, (rt, i, r) => {
        const key = keys[(i * [1, 7, 11, 13][r] + r * 37) % keys.length]; // multipliers prime to 150: a permutation
        return rt.api('event_tracker').track({ event_key: 'paid', title: 'Paid', subscriber_id: contact.id, value: key, idempotency_key: key }, true);
      });
      await Promise.all(runtimes.map((rt) => rt.drain()));
      // Each key was claimed once: one increment, one done action, and every caller saw the same row state.
      expect(await t.sql('SELECT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: keys.length }]);
      expect([...done].sort()).toEqual([...keys].sort());
      const byKey = new Map<string, Set<number>>();
      for (const row of results.flat()) byKey.set(row.value, (byKey.get(row.value) ?? new Set()).add(row.counter));
      expect([...byKey.values()].every((counters) => counters.size === 1)).toBe(true);
      expect([...byKey.values()].map((c) => [...c][0]).sort((a, b) => a - b)).toEqual(keys.map((_, i) => i + 1));
    } finally {
      runtimes.forEach((_rt, r) => runtimes[r].hooks.removeAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, `test/multi/${r}`));
    }
  });
});
