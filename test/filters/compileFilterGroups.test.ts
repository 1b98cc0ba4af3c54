import { FcrmError } from '../../src';
import { compileFilterGroups as fromFilters } from '../../src/filters';
import { tableNames } from '../../src/db/tableNames';
import { item } from './filterTestKit';

const tables = tableNames('crm');

describe('compileFilterGroups (the SQL text)', () => {
  test('one parameterised boolean expression: groups ORed, items ANDed, values appended to params', () => {
    const params: unknown[] = ['42'];
    const sql = fromFilters(
      [[item('event_tracking_key', 'in', ['signup', 'Login'])], [item('event_tracking_key_count', '!=', 3, 'purchase'), item('event_tracking_title', 'contains', '50%')]],
      { tables, contactAlias: 's', params },
    );
    expect(params).toEqual(['42', 'signup', 'Login', 'purchase', '3', '%50\\%%']);
    expect(sql).toBe(
      '((EXISTS (SELECT 1 FROM "crm"."fc_event_tracking" te WHERE te.subscriber_id = s.id AND lower(te.event_key) IN (lower($2::text), lower($3::text))))' +
        ' OR (NOT EXISTS (SELECT 1 FROM "crm"."fc_event_tracking" te WHERE te.subscriber_id = s.id AND lower(te.event_key) = lower($4::text) AND te.counter = $5::numeric)' +
        ' AND EXISTS (SELECT 1 FROM "crm"."fc_event_tracking" te WHERE te.subscriber_id = s.id AND lower(te.title) LIKE lower($6::text))))',
    );
  });

  test('no values ever reach the SQL text', () => {
    const params: unknown[] = [];
    const hostile = "x'); DROP TABLE fc_subscribers; --";
    const sql = fromFilters([[item('event_tracking_title', '=', hostile), item('event_tracking_value', 'contains', hostile, hostile)]], {
      tables,
      contactAlias: 'c',
      params,
    });
    expect(sql).not.toContain('DROP');
    expect(params).toEqual([hostile, "%x'); DROP TABLE fc\\_subscribers; --%", hostile]);
    expect(sql).toContain('te.subscriber_id = c.id');
  });

  test('null when there is nothing to filter on; params untouched', () => {
    const params: unknown[] = [1];
    expect(fromFilters(undefined, { tables, contactAlias: 's', params })).toBeNull();
    expect(fromFilters([[item('event_tracking_title', '=', '')]], { tables, contactAlias: 's', params })).toBeNull();
    expect(params).toEqual([1]);
  });

  test('"now" is a parameter: within_days binds now − N days', () => {
    const params: unknown[] = [];
    const sql = fromFilters([[item('event_tracking_last_seen', 'within_days', 2, 'login')]], {
      tables,
      contactAlias: 's',
      params,
      now: new Date('2026-03-15T12:00:00Z'),
    });
    expect(sql).not.toMatch(/now\(\)|current_timestamp/i);
    expect(params).toEqual(['login', '2026-03-13T12:00:00.000Z']);
    expect(sql).toContain('HAVING max(te.updated_at) >= $2::timestamptz');
  });

  test('a total count that 0 satisfies turns into "no group of the key that fails it"', () => {
    const below = fromFilters([[item('event_tracking_key_total_count', '<', 3, 'k')]], { tables, contactAlias: 's', params: [] });
    const above = fromFilters([[item('event_tracking_key_total_count', '>', 3, 'k')]], { tables, contactAlias: 's', params: [] });
    expect(below).toMatch(/^\(\(NOT EXISTS .* HAVING NOT \(sum\(te\.counter\) < \$1::numeric\)\) tk WHERE tk\.subscriber_id = s\.id\)\)\)$/);
    expect(above).toMatch(/^\(\(EXISTS .* HAVING sum\(te\.counter\) > \$1::numeric\) tk WHERE tk\.subscriber_id = s\.id\)\)\)$/);
  });

  test("occurrences: a grouped count of the key's history since now − days, joined to the events for the key", () => {
    const params: unknown[] = [];
    const now = new Date('2026-03-15T12:00:00Z');
    const sql = fromFilters([[{ ...item('event_tracking_occurrences', '>', 3, 'visited_pricing'), days: 30 }]], { tables, contactAlias: 's', params, now });
    expect(params).toEqual(['3', 'visited_pricing', '2026-02-13T12:00:00.000Z']);
    expect(sql).toBe(
      '((EXISTS (SELECT 1 FROM (SELECT te.subscriber_id FROM "crm"."fc_event_tracking" te JOIN "crm"."fc_event_occurrences" th ON th.event_id = te.id' +
        ' WHERE lower(te.event_key) = lower($2::text) AND th.occurred_at >= $3::timestamptz' +
        ' GROUP BY te.subscriber_id HAVING count(*) > $1::numeric) tk WHERE tk.subscriber_id = s.id)))',
    );
  });

  test('occurrences: a count that 0 satisfies turns around like the total count', () => {
    const below = fromFilters([[{ ...item('event_tracking_occurrences', '<', 2, 'k'), days: 7 }]], { tables, contactAlias: 's', params: [] });
    expect(below).toMatch(/^\(\(NOT EXISTS .* HAVING NOT \(count\(\*\) < \$1::numeric\)\) tk WHERE tk\.subscriber_id = s\.id\)\)\)$/);
    expect(below).not.toMatch(/now\(\)|current_timestamp/i);
  });

  test('the contact alias must be a plain identifier other than the inner aliases', () => {
    expect(() => fromFilters([], { tables, contactAlias: 's; DROP', params: [] })).toThrow(TypeError);
    expect(() => fromFilters([], { tables, contactAlias: 'te', params: [] })).toThrow(/may not be te or tk or th/);
  });

  test('a malformed filter throws invalid_filter and leaves params alone', () => {
    const params: unknown[] = ['1'];
    expect(() => fromFilters('{', { tables, contactAlias: 's', params })).toThrow(FcrmError);
    expect(params).toEqual(['1']);
  });
});
