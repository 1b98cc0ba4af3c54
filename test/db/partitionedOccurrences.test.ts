import { createEventTracking } from '../../src';
import { silentLogger } from '../../src/runtime/logger';
import { createContact } from '../helpers/fixtures';
import { dropSchema, openTestRuntime, testDatabaseUrl, uniqueSchemaName, type TestRuntime } from '../helpers/testRuntime';

/**
 * Issue #18 item 5: fc_event_occurrences hash-partitioned by subscriber_id (option partitionOccurrences).
 * The rest of the write path, pages and filters also run on it in the existing suites with
 * FCRM_OCCURRENCE_PARTITIONS=4 (docs/scaling.md lists which).
 */
describe('fc_event_occurrences hash-partitioned by subscriber_id', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await openTestRuntime({ partitionOccurrences: 4 });
  });
  afterAll(() => t.close());

  test('a fresh schema gets a partitioned table with 4 partitions, its indexes and an (id, subscriber_id) key', async () => {
    const [table] = await t.sql<{ relkind: string }>(
      `SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'fc_event_occurrences'`,
      [t.schema],
    );
    expect(table.relkind).toBe('p');
    const parts = await t.sql<{ name: string; bound: string }>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = '{schema}.fc_event_occurrences'::regclass ORDER BY c.relname`,
    );
    expect(parts).toEqual([0, 1, 2, 3].map((r) => ({ name: `fc_event_occurrences_p${r}`, bound: `FOR VALUES WITH (modulus 4, remainder ${r})` })));
    const indexes = (await t.sql<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'fc_event_occurrences' ORDER BY 1`, [t.schema])).map(
      (r) => r.indexname,
    );
    expect(indexes).toEqual(
      expect.arrayContaining(['fc_event_occurrences_event', 'fc_event_occurrences_event_time', 'fc_event_occurrences_idempotency', 'fc_event_occurrences_subscriber_time']),
    );
    const [pk] = await t.sql<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '{schema}.fc_event_occurrences'::regclass AND contype = 'p'`,
    );
    expect(pk.def).toBe('PRIMARY KEY (id, subscriber_id)');
  });

  test('the write path, idempotency, the pages, a filter and the cascade work on it; rows land in several partitions', async () => {
    const api = t.rt.api('event_tracker');
    const contacts = [];
    for (let i = 0; i < 12; i += 1) contacts.push(await createContact(t.rt));
    for (const contact of contacts) {
      await api.track({ event_key: 'visit', title: 'Visit', subscriber_id: contact.id }, true);
      await api.track({ event_key: 'visit', title: 'Visit', subscriber_id: contact.id, idempotency_key: 'k1' } as never, true);
      await api.track({ event_key: 'visit', title: 'Visit', subscriber_id: contact.id, idempotency_key: 'k1' } as never, true); // a replay
    }
    await api.trackMany(contacts.map((c) => ({ event_key: 'buy', title: 'Buy', subscriber_id: c.id })));
    await t.rt.drain();
    const spread = await t.sql<{ part: string; n: number }>(`SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM {schema}.fc_event_occurrences GROUP BY 1`);
    expect(spread.reduce((sum, p) => sum + p.n, 0)).toBe(12 * 3);
    expect(spread.length).toBeGreaterThan(1);

    const first = contacts[0];
    const events = await api.getEvents(first.id);
    expect(events.data.map((e) => [e.event_key, e.counter])).toEqual([
      ['buy', '1'],
      ['visit', '2'],
    ]);
    const visit = events.data.find((e) => e.event_key === 'visit')!;
    const history = await api.getOccurrences(first.id, visit.id);
    expect(history.total).toBe(2);
    expect(history.data.map((o) => o.counter)).toEqual([2, 1]);

    const filtered = await t.rt.api('contacts').query({
      filters: [[{ source: ['event_tracking', 'event_tracking_occurrences'], operator: '>', value: 1, extra_value: 'visit', days: 30 }]],
    } as never);
    expect(filtered.total).toBe(12);

    await t.rt.api('contacts').delete(first.id);
    const left = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM {schema}.fc_event_occurrences WHERE subscriber_id = $1`, [first.id]);
    expect(left[0].n).toBe(0);
  });

  test('reopening finds it partitioned; a non-empty unpartitioned table is left as it is', async () => {
    const again = await createEventTracking({ databaseUrl: testDatabaseUrl(), schema: t.schema, logger: silentLogger, partitionOccurrences: 4 });
    await again.close();

    const schema = uniqueSchemaName();
    try {
      const plain = await createEventTracking({ databaseUrl: testDatabaseUrl(), schema, logger: silentLogger });
      const contact = await createContact(plain);
      await plain.api('event_tracker').track({ event_key: 'k', title: 'T', subscriber_id: contact.id });
      await plain.close();
      const later = await createEventTracking({ databaseUrl: testDatabaseUrl(), schema, logger: silentLogger, partitionOccurrences: 4 });
      try {
        const [row] = await later.dataSource.query(
          `SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'fc_event_occurrences'`,
          [schema],
        );
        expect(row.relkind).toBe('r');
      } finally {
        await later.close();
      }
    } finally {
      await dropSchema(schema);
    }
  });

  test('indexed properties: the history index is built on the partitioned table (in place) and serves the any scope', async () => {
    const contact = await createContact(t.rt);
    await t.rt.api('event_tracker').track({ event_key: 'paid', title: 'Paid', subscriber_id: contact.id, value: JSON.stringify({ amount: 75 }) }, true);
    const schema = { type: 'object', properties: { amount: { type: 'number' } } };
    await t.rt.api('event_definitions').put('paid', { schema, mode: 'report', indexed_properties: ['amount'] });
    const indexes = await t.sql<{ name: string; valid: boolean; partitioned: boolean }>(
      `SELECT c.relname AS name, i.indisvalid AS valid, c.relkind = 'I' AS partitioned FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE c.relnamespace = $1::regnamespace AND starts_with(c.relname, 'fc_evprop_o_')`,
      [t.schema],
    );
    expect(indexes).toEqual([{ name: expect.any(String), valid: true, partitioned: true }]);
    const item = { source: ['event_tracking', 'event_tracking_property'], extra_value: 'paid', property: 'amount', operator: '>=', value: 75, scope: 'any', days: 1 };
    const { data } = await t.rt.api('contacts').query({ filters: [[item]] });
    expect(data.map((c) => c.id)).toEqual([contact.id]);
    await t.rt.api('event_definitions').delete('paid');
    expect(await t.sql(`SELECT 1 FROM pg_class WHERE relnamespace = $1::regnamespace AND starts_with(relname, 'fc_evprop_')`, [t.schema])).toEqual([]);
  });

  test('bad values are refused before anything opens', async () => {
    await expect(createEventTracking({ databaseUrl: testDatabaseUrl(), schema: uniqueSchemaName(), logger: silentLogger, partitionOccurrences: 1 })).rejects.toThrow(
      /from 2 to 256/,
    );
  });
});
