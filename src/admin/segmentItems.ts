/**
 * The segment builder's item types: the one list the page's script builds its menus from (it
 * receives it as JSON). Adding a filter property is adding one entry here. The server validates
 * every filter (src/filters/parseFilterGroups.ts): an entry whose property the server does not know
 * yet is refused there with invalid_filter, and shown as that error.
 */
export interface SegmentField {
  /** The item's JSON field this input fills. */
  name: string;
  label: string;
  /** A fixed choice (rendered as a select). */
  options?: readonly string[];
  /** An integer input. */
  integer?: boolean;
  /** May be left empty (then the field is left out of the item). */
  optional?: boolean;
}

export interface SegmentItemType {
  /** `source[1]` of the item. */
  property: string;
  label: string;
  operators: readonly string[];
  /** Whether `extra_value` (the event key) is asked for. */
  eventKey: boolean;
  /** Fields beyond source/operator/value/extra_value. */
  fields?: readonly SegmentField[];
  /** Operators that take no value. */
  valueless?: readonly string[];
  /** Operators whose value is a list (entered comma-separated). */
  listOperators?: readonly string[];
  /** A hint shown by the value input. */
  valueHint?: string;
}

const COMPARE = ['=', '!=', '<', '>'] as const;
const TEXT = ['=', '!=', 'contains', 'not_contains'] as const;
const RECENCY = ['before', 'after', 'within_days'] as const;

export const SEGMENT_ITEM_TYPES: readonly SegmentItemType[] = [
  { property: 'event_tracking_key', label: 'Has event key', operators: ['in', 'not_in'], eventKey: false, listOperators: ['in', 'not_in'], valueHint: 'keys, comma-separated' },
  { property: 'event_tracking_key_count', label: 'Event rows of key (count)', operators: COMPARE, eventKey: true, valueHint: 'number' },
  { property: 'event_tracking_key_total_count', label: 'Times key tracked (total)', operators: COMPARE, eventKey: true, valueHint: 'number' },
  { property: 'event_tracking_value', label: 'Event value', operators: [...TEXT, '<', '>'], eventKey: true, valueHint: 'text (number for < >)' },
  { property: 'event_tracking_title', label: 'Event title', operators: TEXT, eventKey: false, valueHint: 'text' },
  { property: 'event_tracking_first_seen', label: 'First seen', operators: RECENCY, eventKey: true, valueHint: 'YYYY-MM-DD, or days for within_days' },
  { property: 'event_tracking_last_seen', label: 'Last seen', operators: RECENCY, eventKey: true, valueHint: 'YYYY-MM-DD, or days for within_days' },
  {
    property: 'event_tracking_occurrences',
    label: 'Occurrences in last N days',
    operators: COMPARE,
    eventKey: true,
    fields: [{ name: 'days', label: 'days', integer: true }],
    valueHint: 'number',
  },
  {
    // Being added to the server in parallel; until it lands the server answers invalid_filter.
    property: 'event_tracking_property',
    label: 'Event value property (JSON path)',
    operators: ['=', '!=', '<', '>', '<=', '>=', 'contains', 'not_contains', 'in', 'not_in', 'exists', 'not_exists', 'before', 'after'],
    eventKey: true,
    fields: [
      { name: 'property', label: 'property path (a.b.c)' },
      { name: 'scope', label: 'scope', options: ['latest', 'any'] },
      { name: 'days', label: 'days', integer: true, optional: true },
    ],
    valueless: ['exists', 'not_exists'],
    listOperators: ['in', 'not_in'],
    valueHint: 'text, number or date',
  },
];
