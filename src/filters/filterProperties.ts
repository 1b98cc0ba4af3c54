import { PROPERTY_OPERATORS } from '../properties/propertyTest';
import type { FilterOperator, FilterProperty } from './filterTypes';

/** How an item's `value` is read: the kind decides validation here and SQL in compileItem. */
export type ValueKind = 'keys' | 'number' | 'text' | 'date' | 'days' | 'property';

export interface PropertyRule {
  operators: readonly FilterOperator[];
  /** Whether `extra_value` (the event key) is required. */
  needsEventKey: boolean;
  /** Whether `days` (the window of history counted) is required. */
  needsDays?: true;
  /** The value kind per operator. */
  valueKind(operator: FilterOperator): ValueKind;
}

const COMPARE = ['=', '!=', '<', '>'] as const;
const TEXT = ['=', '!=', 'contains', 'not_contains'] as const;
const RECENCY = ['before', 'after', 'within_days'] as const;

function recencyValue(operator: FilterOperator): ValueKind {
  return operator === 'within_days' ? 'days' : 'date';
}

/** The one table of what each property accepts. */
export const PROPERTY_RULES: Record<FilterProperty, PropertyRule> = {
  event_tracking_key: { operators: ['in', 'not_in'], needsEventKey: false, valueKind: () => 'keys' },
  event_tracking_key_count: { operators: COMPARE, needsEventKey: true, valueKind: () => 'number' },
  event_tracking_key_total_count: { operators: COMPARE, needsEventKey: true, valueKind: () => 'number' },
  event_tracking_value: {
    operators: [...TEXT, '<', '>'],
    needsEventKey: true,
    // `<`/`>` compare numerically, so their value must be a number; the others compare text.
    valueKind: (operator) => (operator === '<' || operator === '>' ? 'number' : 'text'),
  },
  event_tracking_title: { operators: TEXT, needsEventKey: false, valueKind: () => 'text' },
  event_tracking_first_seen: { operators: RECENCY, needsEventKey: true, valueKind: recencyValue },
  event_tracking_last_seen: { operators: RECENCY, needsEventKey: true, valueKind: recencyValue },
  // Counted from the occurrence history, so the same operators and zero rule as the total count.
  event_tracking_occurrences: { operators: COMPARE, needsEventKey: true, needsDays: true, valueKind: () => 'number' },
  // Read by parsePropertyItem.ts: its value, path, scope and days follow rules of their own.
  event_tracking_property: { operators: PROPERTY_OPERATORS, needsEventKey: true, valueKind: () => 'property' },
};
