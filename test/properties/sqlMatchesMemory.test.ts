import fc from 'fast-check';
import { compileFilterGroups } from '../../src/filters';
import { tableNames } from '../../src/db/tableNames';
import { parsePropertyPath } from '../../src/properties/propertyPath';
import { matchesProperty, PROPERTY_OPERATORS, resolvePropertyCondition, type PropertyOperator } from '../../src/properties/propertyTest';
import { structuredJson } from '../../src/properties/structuredValue';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

const NUMBERS = [0, 1, -3, 100, 100.5, 99.99, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, -1e21, 0.1, 0.30000000000000004];
const TEXTS = [
  '100', '100.0', ' 100', '1e999', '1e1000', '-.5', '+.5e3', '.', '1.', 'abc', 'Pro', 'pro', 'PRO plan', 'ÉTÉ', 'été', 'İstanbul', 'ΟΔΟΣ', 'οδοσ', '%', '_', '\\', '',
  'true', '2026-01-31', '2026-01-31T10:00:00Z', '2026-01-31 10:00:00.5+02:00', '2026-02-30', '2026-01-31T24:00', '2024-02-29', '2023-02-29',
  '0000-01-01', '2026-01-31t10:00z', '9999-12-31T23:59:59.999999-23:59', '2026-01-31T10:00:00.0009Z', '2026-01-31T10:00+0530',
];
const scalar = fc.oneof(fc.constantFrom<unknown>(...NUMBERS, ...TEXTS, true, false, null), fc.integer({ min: -1000, max: 1000 }));
const node = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.record({ x: scalar }, { requiredKeys: [] }));
// A key with the characters a PostgreSQL array literal quotes (the path goes in as text[]).
const valueArb = fc.record({ a: node, b: node, c: node, 'd.e': scalar, 'q"u,o{t}e\\ x': scalar }, { requiredKeys: [] });

const PATHS = ['a', 'b', 'c', 'a.x', 'a.0', 'a.-1', 'b. 1', 'd\\.e', 'q"u,o{t}e\\\\ x', 'missing'];
const FILTER_VALUES: unknown[] = [
  ...NUMBERS, ...TEXTS.filter((text) => text !== ''), true, false, 0, 50, -1, '50', '99.990', 'P', 'é',
  '2026-01-31', '2026-01-31T10:00:00Z', '2026-01-31T09:59:59.999+00:00', '2024-02-29T00:00', '2026-01-31T10:00:00.0005Z',
];
const itemArb = fc.record({
  path: fc.constantFrom(...PATHS),
  operator: fc.constantFrom<PropertyOperator>(...PROPERTY_OPERATORS),
  value: fc.oneof(fc.constantFrom(...FILTER_VALUES), fc.array(fc.constantFrom(...FILTER_VALUES), { minLength: 1, maxLength: 3 })),
});

/**
 * The one comparison definition, two implementations: propertySql.ts (filters, conditions) and
 * testProperty (event_conditions). Random values are stored as event rows and random items are
 * run both ways; every contact must be selected by SQL exactly when memory says so.
 */
describe('property comparisons: SQL and memory agree', () => {
  let t: TestRuntime;
  const values = fc.sample(valueArb, { seed: 16, numRuns: 300 });
  const ids: number[] = [];

  beforeAll(async () => {
    t = await openTestRuntime();
    const rows = await t.sql<{ id: number }>(
      `INSERT INTO {schema}.fc_subscribers (email) SELECT 'c' || g || '@example.com' FROM generate_series(1, ${values.length}) g RETURNING id`,
    );
    ids.push(...rows.map((r) => Number(r.id)).sort((a, b) => a - b));
    const texts = values.map((v) => JSON.stringify(v));
    await t.sql(
      `INSERT INTO {schema}.fc_event_tracking (subscriber_id, counter, event_key, title, value, value_json)
       SELECT id, 1, 'k', 't', v, v::jsonb FROM unnest($1::bigint[], $2::text[]) AS u(id, v)`,
      [ids, texts],
    );
    // Every generated value is one the tracker stores as jsonb (canonical text).
    expect(texts.every((text) => structuredJson(text) !== undefined)).toBe(true);
  });
  afterAll(() => t.close());

  test('300 values × 250 random items', async () => {
    const items = fc.sample(itemArb, { seed: 61, numRuns: 400 });
    const tables = tableNames(t.schema);
    let compared = 0;
    for (const { path, operator, value } of items) {
      const given = operator === 'in' || operator === 'not_in' ? value : Array.isArray(value) ? value[0] : value;
      let condition;
      try {
        condition = resolvePropertyCondition(operator, given);
      } catch {
        continue; // an invalid item (parse rejects it); valid ones are compared
      }
      if (compared === 250) break;
      compared += 1;
      const filter = [[{ source: ['event_tracking', 'event_tracking_property'], extra_value: 'k', property: path, operator, value: given }]];
      const params: unknown[] = [];
      const where = compileFilterGroups(filter, { tables, contactAlias: 's', params });
      const rows = await t.sql<{ id: string }>(`SELECT s.id FROM ${tables.subscribers} s WHERE ${where} ORDER BY s.id`, params);
      const bySql = rows.map((r) => Number(r.id));
      const segments = parsePropertyPath(path)!;
      const byMemory = ids.filter((_, i) => matchesProperty(values[i], segments, condition));
      if (JSON.stringify(bySql) !== JSON.stringify(byMemory)) {
        const differs = [...new Set([...bySql, ...byMemory])].filter((id) => bySql.includes(id) !== byMemory.includes(id));
        throw new Error(`${path} ${operator} ${JSON.stringify(given)}: SQL and memory differ on ${differs.map((id) => JSON.stringify(values[ids.indexOf(id)])).join(', ')} (SQL selects: ${differs.map((id) => bySql.includes(id))})`);
      }
    }
    expect(compared).toBe(250);
  }, 120_000);
});
