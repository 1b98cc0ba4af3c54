import { json, openTestServer, type TestServer } from '../helpers/testServer';

/**
 * DELETE /subscribers/{id} while batches for that contact are being written (issue 13, item 8): the
 * delete and the writer's statement lock the contact's rows; in opposite orders they deadlocked
 * (40P01) and the delete answered 500. Each round races concurrent track-events batches (existing and
 * new events, idempotency keys) against one DELETE; every answer must be a 200 or a proper 4xx.
 */
describe('DELETE /subscribers/{id} racing track-events batches for that contact', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer({ maxConcurrentBatches: 4 });
  });
  afterAll(() => s.close());

  const ROUNDS = 12;
  const BATCHES = 4;

  test(`${ROUNDS} rounds of ${BATCHES} concurrent batches and a delete: only 200s and subscriber_not_found, never a 500`, async () => {
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const { body: created } = await s.call('/subscribers', json({ email: `race-${round}@example.com` }));
      const id: number = created.contact.id;
      // Rows that already exist, so the batches' upserts lock them (counter + n) as the delete's cascade does.
      const seed = Array.from({ length: 40 }, (_, k) => ({ event_key: `k${k}`, title: 'T', subscriber_id: id }));
      expect((await s.call('/subscribers/track-events', json({ events: seed }))).status).toBe(200);

      const batch = (b: number) =>
        json({
          events: Array.from({ length: 200 }, (_, i) => ({
            event_key: `k${(i * (b + 3) + round) % 60}`, // existing and new rows, in a different order per batch
            title: 'T',
            subscriber_id: id,
            value: `${b}-${i}`,
            ...(i % 10 === 0 ? { idempotency_key: `r${round}-b${b}-${i}` } : {}),
          })),
        });
      const batches = Array.from({ length: BATCHES }, (_, b) => s.call('/subscribers/track-events', batch(b)));
      // The delete lands at a different point of the batches' statements each round (0 to 11 ms in).
      await new Promise((resolve) => setTimeout(resolve, round));
      const deleted = s.call(`/subscribers/${id}`, { method: 'DELETE' });
      const [del, ...written] = await Promise.all([deleted, ...batches]);

      for (const answer of written) {
        if (answer.status !== 200) {
          failures.push(`round ${round}: track-events → ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
          continue;
        }
        const codes = new Set(answer.body.results.flatMap((r: { error_code?: string }) => (r.error_code ? [r.error_code] : [])));
        codes.delete('subscriber_not_found');
        if (codes.size > 0) failures.push(`round ${round}: track-events items failed with ${[...codes].join(', ')}`);
      }
      if (del.status !== 200) {
        failures.push(`round ${round}: DELETE → ${del.status} ${JSON.stringify(del.body).slice(0, 200)}`);
        continue;
      }
      // Nothing of the contact is left, and nothing was written for it after the delete.
      const [left] = await s.sql<Record<string, number>>(
        `SELECT (SELECT count(*)::int FROM {schema}.fc_subscribers WHERE id = $1) AS contact,
                (SELECT count(*)::int FROM {schema}.fc_event_tracking WHERE subscriber_id = $1) AS events,
                (SELECT count(*)::int FROM {schema}.fc_event_occurrences WHERE subscriber_id = $1) AS occurrences,
                (SELECT count(*)::int FROM {schema}.fc_event_totals WHERE subscriber_id = $1) AS totals,
                (SELECT count(*)::int FROM {schema}.fc_event_ranks WHERE subscriber_id = $1) AS ranks,
                (SELECT count(*)::int FROM {schema}.fc_event_idempotency_keys WHERE subscriber_id = $1) AS claims`,
        [id],
      );
      expect(left).toEqual({ contact: 0, events: 0, occurrences: 0, totals: 0, ranks: 0, claims: 0 });
      // A batch sent after the delete: every item is subscriber_not_found, the answer a 200.
      const after = await s.call('/subscribers/track-events', batch(0));
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ stored: 0, failed: 200 });
    }
    expect(failures).toEqual([]);
  });
});
