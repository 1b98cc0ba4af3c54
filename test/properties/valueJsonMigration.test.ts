import { AddEventValueJson1765152000000 } from '../../src/db/migrations/1765152000000-AddEventValueJson';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

/**
 * The migration on rows written before value_json existed: it is taken down (the columns go), rows
 * are written with the old columns only, and it runs again. Text of an object or array is copied as
 * jsonb; scalars, other text and text jsonb refuses stay NULL without failing the migration.
 */
describe('migration AddEventValueJson: existing rows', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());

  test('objects and arrays are parsed, everything else stays NULL', async () => {
    const migration = new AddEventValueJson1765152000000();
    const runner = t.rt.dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      const [{ id: contact }] = await t.sql<{ id: string }>(`INSERT INTO {schema}.fc_subscribers (email) VALUES ('old@example.com') RETURNING id`);
      const values = ['{"order":{"total":150}}', '[1,"a"]', '{ "spaced" : true }', '{not json', '["\\u0000"]', '100', '', 'text', ' {"lead":"space"}'];
      for (const [i, value] of values.entries()) {
        const [{ id }] = await t.sql<{ id: string }>(
          `INSERT INTO {schema}.fc_event_tracking (subscriber_id, event_key, title, value) VALUES ($1, 'k', $2, $3) RETURNING id`,
          [contact, `t${i}`, value],
        );
        await t.sql(`INSERT INTO {schema}.fc_event_occurrences (event_id, subscriber_id, counter, value, occurred_at) VALUES ($1, $2, 1, $3, now())`, [id, contact, value]);
      }
      await migration.up(runner);
      const expected = [{ order: { total: 150 } }, [1, 'a'], { spaced: true }, null, null, null, null, null, null];
      const events = await t.sql<{ value: string; value_json: unknown }>(`SELECT value, value_json FROM {schema}.fc_event_tracking ORDER BY id`);
      expect(events).toEqual(values.map((value, i) => ({ value, value_json: expected[i] })));
      const history = await t.sql<{ value_json: unknown }>(`SELECT value_json FROM {schema}.fc_event_occurrences ORDER BY event_id`);
      expect(history.map((h) => h.value_json)).toEqual(expected);
      // The helper function is gone again.
      const helpers = await t.sql(`SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND p.proname = 'fc_try_jsonb_structure'`, [t.schema]);
      expect(helpers).toEqual([]);
    } finally {
      await runner.release();
    }
  });
});
