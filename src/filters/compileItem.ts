import { compilePropertyItem } from './compilePropertyItem';
import { DAY_MS, daysBefore, parseFilterMoment } from './filterDate';
import { numericValueSql } from './filterNumber';
import type { FilterItem, ItemContext } from './filterTypes';
import { bind, containsPattern } from './sqlText';

/** Aliases used inside the generated subqueries; a contact alias may not reuse them. */
export const INNER_ALIASES = ['te', 'tk', 'th'] as const;

const SQL_COMPARE = { '=': '=', '!=': '<>', '<': '<', '>': '>' } as const;
type Comparison = keyof typeof SQL_COMPARE;

/**
 * One item as a boolean SQL expression over the contact alias. Every condition is an EXISTS (or
 * NOT EXISTS) on fc_event_tracking correlated by subscriber_id, which PostgreSQL plans as a semi-
 * (anti-) join driven by the lower(event_key) / lower(title) indexes; occurrence counts join the
 * key's rows to their history. Matching is case-insensitive:
 * lower() on both sides, in SQL, so JavaScript's and the database's case rules never disagree.
 */
export function compileItem(item: FilterItem, ctx: ItemContext): string {
  const property = item.source[1];
  const p = (value: unknown) => bind(ctx.params, value);
  const rows = (condition: string) =>
    `EXISTS (SELECT 1 FROM ${ctx.events} te WHERE te.subscriber_id = ${ctx.contactAlias}.id AND ${condition})`;
  const keyIs = () => `lower(te.event_key) = lower(${p(item.extra_value)}::text)`;
  const value = item.value as string;

  switch (property) {
    case 'event_tracking_key': {
      const keys = (item.value as string[]).map((key) => `lower(${p(key)}::text)`).join(', ');
      const has = rows(`lower(te.event_key) IN (${keys})`);
      return item.operator === 'not_in' ? `NOT ${has}` : has;
    }
    case 'event_tracking_key_count':
      return hasOrHasNo(item.operator as Comparison, (op) => rows(`${keyIs()} AND te.counter ${op} ${p(value)}::numeric`));
    case 'event_tracking_value':
      if (item.operator === '<' || item.operator === '>') {
        return rows(`${keyIs()} AND ${numericValueSql('te.value')} ${item.operator} ${p(value)}::numeric`);
      }
      return textCondition(item.operator, value, p, (condition) => rows(`${keyIs()} AND ${condition}`), 'te.value');
    case 'event_tracking_title':
      return textCondition(item.operator, value, p, rows, 'te.title');
    case 'event_tracking_key_total_count':
      return countCompare('sum(te.counter)', item.operator as Comparison, value, (having) => perKey(ctx, p(item.extra_value), having), p);
    case 'event_tracking_occurrences': {
      // From the injected clock, as within_days: tests and automation runs can pin "now".
      const since = daysBefore(ctx.now, item.days as number);
      return countCompare('count(*)', item.operator as Comparison, value, (having) => recentOccurrences(ctx, p(item.extra_value), p(since), having), p);
    }
    case 'event_tracking_first_seen':
      return perKey(ctx, p(item.extra_value), recency('min(te.created_at)', item, ctx.now, p));
    case 'event_tracking_last_seen':
      return perKey(ctx, p(item.extra_value), recency('max(te.updated_at)', item, ctx.now, p));
    case 'event_tracking_property':
      return compilePropertyItem(item, ctx);
  }
}

/** Our rule: `!=` means "has no row that is equal" (so contacts without events match), the rest "has a row that is". */
function hasOrHasNo(operator: Comparison, rowsWhere: (sqlOperator: string) => string): string {
  return operator === '!=' ? `NOT ${rowsWhere('=')}` : rowsWhere(SQL_COMPARE[operator]);
}

function textCondition(
  operator: string,
  value: string,
  p: (value: unknown) => string,
  rowsWhere: (condition: string) => string,
  column: string,
): string {
  const contains = operator === 'contains' || operator === 'not_contains';
  const condition = contains ? `lower(${column}) LIKE lower(${p(containsPattern(value))}::text)` : `lower(${column}) = lower(${p(value)}::text)`;
  const has = rowsWhere(condition);
  return operator === '!=' || operator === 'not_contains' ? `NOT ${has}` : has;
}

/**
 * Contacts whose rows of one key, taken together, satisfy `having`. The grouped derived table
 * (rather than a correlated aggregate) lets PostgreSQL aggregate the key's rows once and join.
 */
function perKey(ctx: ItemContext, keyParam: string, having: string): string {
  return (
    `EXISTS (SELECT 1 FROM (SELECT te.subscriber_id FROM ${ctx.events} te WHERE lower(te.event_key) = lower(${keyParam}::text)` +
    ` GROUP BY te.subscriber_id HAVING ${having}) tk WHERE tk.subscriber_id = ${ctx.contactAlias}.id)`
  );
}

/**
 * Contacts whose occurrences of one key (every title) at or after `sinceParam`, counted together,
 * satisfy `having`. Grouped by the event row's contact, as perKey is: the history row's own
 * subscriber_id is a copy. The event key lives on fc_event_tracking only, hence the join. No upper
 * bound on occurred_at, like within_days: the caller's clock and the database's need not agree.
 */
function recentOccurrences(ctx: ItemContext, keyParam: string, sinceParam: string, having: string): string {
  return (
    `EXISTS (SELECT 1 FROM (SELECT te.subscriber_id FROM ${ctx.events} te JOIN ${ctx.occurrences} th ON th.event_id = te.id` +
    ` WHERE lower(te.event_key) = lower(${keyParam}::text) AND th.occurred_at >= ${sinceParam}::timestamptz` +
    ` GROUP BY te.subscriber_id HAVING ${having}) tk WHERE tk.subscriber_id = ${ctx.contactAlias}.id)`
  );
}

/**
 * An aggregate over a contact's rows of one key (sum of counters, number of occurrences) compared
 * to the value; a contact without such rows has 0. When 0 satisfies the comparison (`< 3`, `= 0`,
 * `!= 5`) those contacts match too, so the condition is turned around: no group of rows that fails it.
 */
function countCompare(
  aggregate: string,
  operator: Comparison,
  value: string,
  groupsHaving: (having: string) => string,
  p: (value: unknown) => string,
): string {
  const compared = `${aggregate} ${SQL_COMPARE[operator]} ${p(value)}::numeric`;
  return zeroSatisfies(operator, Number(value)) ? `NOT ${groupsHaving(`NOT (${compared})`)}` : groupsHaving(compared);
}

function zeroSatisfies(operator: Comparison, value: number): boolean {
  switch (operator) {
    case '=':
      return value === 0;
    case '!=':
      return value !== 0;
    case '<':
      return 0 < value;
    case '>':
      return 0 > value;
  }
}

/**
 * `before` a day means before it starts, `after` a day means from the next one (as FluentCRM's
 * date filters compare dates); with a time both are strict. `within_days` N: since now − N×24 h.
 */
function recency(aggregate: string, item: FilterItem, now: Date, p: (value: unknown) => string): string {
  const value = item.value as string;
  if (item.operator === 'within_days') {
    return `${aggregate} >= ${p(daysBefore(now, Number(value)))}::timestamptz`;
  }
  const moment = parseFilterMoment(value);
  if (!moment) throw new TypeError(`unparsed date ${value}`); // parseFilterGroups checked it
  if (item.operator === 'before') return `${aggregate} < ${p(moment.at.toISOString())}::timestamptz`;
  if (moment.wholeDay) return `${aggregate} >= ${p(new Date(moment.at.getTime() + DAY_MS).toISOString())}::timestamptz`;
  return `${aggregate} > ${p(moment.at.toISOString())}::timestamptz`;
}
