import type { PropertyIndexedResolver, PropertyScalar, PropertyTypeResolver } from '../properties/propertyTest';

/**
 * FluentCRM's advanced-filter format, restricted to the event tracking properties. The parsed form
 * keeps FluentCRM's shape (so it can be stored, sent back to a client and parsed again) with the
 * value canonicalised: a list of keys for `in`/`not_in`, a non-empty string otherwise.
 */

export const FILTER_SOURCE = 'event_tracking';

export const FILTER_PROPERTIES = [
  'event_tracking_key',
  'event_tracking_key_count',
  'event_tracking_value',
  'event_tracking_title',
  'event_tracking_first_seen',
  'event_tracking_last_seen',
  'event_tracking_key_total_count',
  'event_tracking_occurrences',
  'event_tracking_property',
] as const;

export type FilterProperty = (typeof FILTER_PROPERTIES)[number];

export type FilterOperator =
  | 'in'
  | 'not_in'
  | '='
  | '!='
  | '<'
  | '>'
  | 'contains'
  | 'not_contains'
  | 'before'
  | 'after'
  | 'within_days'
  | '<='
  | '>='
  | 'exists'
  | 'not_exists';

/** One condition: `{"source":["event_tracking", PROPERTY], "operator", "value", "extra_value": EVENT_KEY}`. */
export interface FilterItem {
  source: [typeof FILTER_SOURCE, FilterProperty];
  operator: FilterOperator;
  /**
   * The keys of `event_tracking_key`; a non-empty string for the other FluentCRM properties. For
   * `event_tracking_property`, the value as given (its type decides the comparison), a list for
   * `in`/`not_in`, and absent for `exists`/`not_exists`.
   */
  value?: string | string[] | PropertyScalar | PropertyScalar[];
  /** The event key, for the properties that compare one key's events. */
  extra_value?: string;
  /**
   * Not FluentCRM's: the window of `event_tracking_occurrences`, in whole days (1 to
   * MAX_WITHIN_DAYS). A field of its own because `value` already holds the count to compare.
   */
  days?: number;
  /** event_tracking_property: the dot path inside the event's value (`order.total`, `a\\.b`). */
  property?: string;
  /** event_tracking_property: the key's rows as they are now (`latest`, the default) or every occurrence (`any`). */
  scope?: 'latest' | 'any';
}

/** The items of a group are ANDed; the groups are ORed. */
export type FilterGroup = FilterItem[];

/** What an item's SQL refers to. The inner aliases are fixed; the contact alias is the caller's. */
export interface ItemContext {
  events: string;
  /** The occurrence history (fc_event_occurrences), for event_tracking_occurrences. */
  occurrences: string;
  contactAlias: string;
  params: unknown[];
  now: Date;
  /** Declared property types (event definitions), for event_tracking_property; none by default. */
  propertyType?: PropertyTypeResolver;
  /** Indexed properties (event definitions), for event_tracking_property; none by default. */
  propertyIndexed?: PropertyIndexedResolver;
}
