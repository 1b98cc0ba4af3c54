import { randomInt } from 'node:crypto';
import { Client } from 'pg';
import { testDatabaseUrl } from '../helpers/testRuntime';
import { json, openTestServer } from '../helpers/testServer';

const heavyListing = `/subscribers?filter_type=advanced&advanced_filters=${encodeURIComponent(
  JSON.stringify([
    [{ source: ['event_tracking', 'event_tracking_key_count'], operator: '>', value: '0', extra_value: 'signup' }],
    [{ source: ['event_tracking', 'event_tracking_title'], operator: 'contains', value: 'Sign' }],
  ]),
)}`;

/**
 * Listings made slow deterministically: each listing statement first takes a shared advisory lock
 * (a test-only hook inside its transaction) that the test holds exclusively, so the listings sit in
 * PostgreSQL holding their connections until the test lets them go.
 */
async function openServerWithHeldListings(reads?: { maxConcurrent?: number; maxQueued?: number }) {
  const key = randomInt(1, 2 ** 31);
  const t = await openTestServer({}, { reads, testing: { listingQuery: async (run) => void (await run(`SELECT pg_advisory_xact_lock_shared(${key})`)) } });
  const holder = new Client({ connectionString: testDatabaseUrl() });
  await holder.connect();
  await holder.query('SELECT pg_advisory_lock($1)', [key]);
  /** Listing statements waiting for the lock, i.e. holding a pooled connection in the database. */
  const waiting = async () => {
    const [{ n }] = (await holder.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`, [key])).rows;
    return n as number;
  };
  return {
    t,
    waiting,
    release: () => holder.query('SELECT pg_advisory_unlock($1)', [key]),
    async close() {
      await holder.end();
      await t.close();
    },
  };
}

async function until(condition: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not reached after 400 checks');
}

// The listings are held by an advisory lock another session owns; the embedded database has one session
// for every connection, so nothing can be held there (nor can reads take connections from writes).
const describeOnPostgres = process.env.FCRM_TEST_DATABASE_KIND === 'embedded' ? describe.skip : describe;

describeOnPostgres('reads run within a budget, so listings cannot take the connections writes need', () => {
  test('ten concurrent slow listings from a read-only credential; a track-event still succeeds at once', async () => {
    const s = await openServerWithHeldListings();
    const { t } = s;
    try {
      expect((await t.call('/subscribers', json({ email: 'writer@example.com' }))).status).toBe(200);
      let settled = 0;
      const listings = Array.from({ length: 10 }, () =>
        t.call(heavyListing, { as: 'read' }).finally(() => {
          settled += 1;
        }),
      );
      // The budget's two listings are in PostgreSQL (page and count each), the other eight wait for a place.
      await until(async () => (await s.waiting()) >= 4 && t.rt.reads.queued === 8);
      expect(t.rt.reads.inUse).toBe(2);

      const tracked = await t.call('/subscribers/track-event', json({ event_key: 'signup', title: 'Signed up', email: 'writer@example.com' }));
      expect(tracked.status).toBe(200);
      expect(settled).toBe(0); // the listings were all still running while the write went through

      await s.release();
      const answers = await Promise.all(listings);
      expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
      expect(answers[0].body.subscribers.total).toBe(1);
    } finally {
      await s.close();
    }
  });

  test('beyond the budget and its line, a read answers 503 server_busy with Retry-After', async () => {
    const s = await openServerWithHeldListings({ maxConcurrent: 1, maxQueued: 1 });
    const { t } = s;
    try {
      const running = t.call(heavyListing, { as: 'read' });
      const queued = t.call(heavyListing, { as: 'read' });
      await until(() => t.rt.reads.inUse === 1 && t.rt.reads.queued === 1);
      const refused = await t.call(heavyListing, { as: 'read' });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body).toEqual({ message: expect.stringContaining('retry in a moment'), error_code: 'server_busy' });
      // Event pages share the budget.
      expect((await t.call('/subscribers/1/tracking-events', { as: 'read' })).status).toBe(503);

      await s.release();
      expect((await running).status).toBe(200);
      expect((await queued).status).toBe(200);
      expect(t.rt.reads.inUse).toBe(0);
      expect((await t.call(heavyListing, { as: 'read' })).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
