import type { TableNames } from '../db/tableNames';
import type { PropertyIndexedResolver, PropertyTypeResolver } from '../properties/propertyTest';
import { compileItem, INNER_ALIASES } from './compileItem';
import { parseFilterGroups } from './parseFilterGroups';
import { assertIdentifier } from './sqlText';

export interface CompileFilterOptions {
  tables: TableNames;
  /** The alias of fc_subscribers in the caller's query (`s` in `FROM <subscribers> s`). */
  contactAlias: string;
  /** The statement's parameters so far; the filter's values are appended and referenced as $N. */
  params: unknown[];
  /** "Now" for `within_days` and the `days` of event_tracking_occurrences (default: the current time); passed as a parameter, never SQL now(). */
  now?: Date;
  /**
   * Declared property types for event_tracking_property items (event definitions): a type returned
   * overrides the one the item's `value` implies. None by default.
   */
  propertyType?: PropertyTypeResolver;
  /** Properties a definition indexes (their `any` scope reads the occurrences' own key). None by default. */
  propertyIndexed?: PropertyIndexedResolver;
}

/**
 * FluentCRM advanced filters (array or JSON text) as ONE parameterised boolean SQL expression over
 * the contact alias: `(EXISTS (…) AND NOT EXISTS (…)) OR (…)`. Null when there is nothing to filter
 * on (no groups, or only items with empty values): every contact matches. Throws
 * FcrmError('invalid_filter') for a malformed filter; `params` is left untouched then.
 */
export function compileFilterGroups(groups: unknown, options: CompileFilterOptions): string | null {
  assertIdentifier(options.contactAlias, 'contactAlias');
  if ((INNER_ALIASES as readonly string[]).includes(options.contactAlias)) {
    throw new TypeError(`contactAlias may not be ${INNER_ALIASES.join(' or ')}: the filter's subqueries use those aliases`);
  }
  const parsed = parseFilterGroups(groups);
  if (parsed.length === 0) return null;
  const context = {
    events: options.tables.events,
    occurrences: options.tables.occurrences,
    contactAlias: options.contactAlias,
    params: options.params,
    now: options.now ?? new Date(),
    propertyType: options.propertyType,
    propertyIndexed: options.propertyIndexed,
  };
  const ored = parsed.map((group) => `(${group.map((item) => compileItem(item, context)).join(' AND ')})`);
  return `(${ored.join(' OR ')})`;
}
