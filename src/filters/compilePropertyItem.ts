import { FcrmError } from '../errors';
import { parsePropertyPath } from '../properties/propertyPath';
import { testSql } from '../properties/propertySql';
import { resolvePropertyCondition, type PropertyOperator } from '../properties/propertyTest';
import { daysBefore } from './filterDate';
import type { FilterItem, ItemContext } from './filterTypes';
import { bind } from './sqlText';

/**
 * An `event_tracking_property` item (parsed) as EXISTS over the key's event rows (`latest`: their
 * value_json as it is now, any title) or their occurrences (`any`: each occurrence's own
 * value_json), optionally within the last `days` days; negative operators are NOT EXISTS ("has no
 * such event"). The rows are found through (lower(event_key), subscriber_id) and, for `any`,
 * (event_id, occurred_at); the property test then runs on those rows only (docs/event-properties.md).
 * An indexed property (a definition's indexed_properties) is found through its own indexes: the
 * latest scope needs nothing different (its index holds the test's expression for the key's rows),
 * the `any` scope reads the occurrences by their own event_key, the predicate of its index, instead
 * of joining the key's event rows (10^5 row visits to learn which occurrences are the key's).
 */
export function compilePropertyItem(item: FilterItem, ctx: ItemContext): string {
  const p = (value: unknown) => bind(ctx.params, value);
  const eventKey = item.extra_value as string;
  const path = parsePropertyPath(item.property as string);
  if (!path) throw new TypeError(`unparsed property path ${item.property}`); // parseFilterGroups checked it
  let condition;
  try {
    condition = resolvePropertyCondition(item.operator as PropertyOperator, item.value, ctx.propertyType?.(eventKey, path));
  } catch (error) {
    // Only a declared type can make a parsed item fail here.
    throw new FcrmError('invalid_filter', `Filter item ${item.operator} on ${eventKey} property ${item.property}: value ${(error as Error).message}`);
  }
  const since = item.days === undefined ? null : p(daysBefore(ctx.now, item.days));
  const keyParam = p(eventKey);
  const keyIs = `lower(te.event_key) = lower(${keyParam}::text)`;
  const pathParam = p(path);
  let exists: string;
  if (item.scope === 'any' && ctx.propertyIndexed?.(eventKey, path)) {
    const test = testSql(condition.test, `(th.value_json #> ${pathParam}::text[])`, p);
    exists =
      `EXISTS (SELECT 1 FROM ${ctx.occurrences} th WHERE th.subscriber_id = ${ctx.contactAlias}.id` +
      ` AND lower(th.event_key) = lower(${keyParam}::text)${since ? ` AND th.occurred_at >= ${since}::timestamptz` : ''} AND ${test})`;
  } else if (item.scope === 'any') {
    const test = testSql(condition.test, `(th.value_json #> ${pathParam}::text[])`, p);
    exists =
      `EXISTS (SELECT 1 FROM ${ctx.events} te JOIN ${ctx.occurrences} th ON th.event_id = te.id` +
      ` WHERE te.subscriber_id = ${ctx.contactAlias}.id AND ${keyIs}` +
      `${since ? ` AND th.occurred_at >= ${since}::timestamptz` : ''} AND ${test})`;
  } else {
    const test = testSql(condition.test, `(te.value_json #> ${pathParam}::text[])`, p);
    exists =
      `EXISTS (SELECT 1 FROM ${ctx.events} te WHERE te.subscriber_id = ${ctx.contactAlias}.id AND ${keyIs}` +
      `${since ? ` AND te.updated_at >= ${since}::timestamptz` : ''} AND ${test})`;
  }
  return condition.negated ? `NOT ${exists}` : exists;
}
