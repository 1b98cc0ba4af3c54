import { FcrmError } from '../errors';
import { parsePropertyPath } from '../properties/propertyPath';
import { structuredJson } from '../properties/structuredValue';
import {
  matchesProperty,
  PROPERTY_OPERATORS,
  resolvePropertyCondition,
  type PropertyCondition,
  type PropertyOperator,
  type PropertyTypeResolver,
} from '../properties/propertyTest';

/** The most items `event_conditions` may hold in all (as filters: MAX_FILTER_ITEMS). */
export const MAX_EVENT_CONDITION_ITEMS = 100;

/** One `event_conditions` item, checked: a property of the triggering event's own value. */
export interface EventConditionItem {
  property: string;
  path: string[];
  operator: PropertyOperator;
  value: unknown;
  /** Resolved with the types `value` implies; declared types re-resolve it at check time. */
  condition: PropertyCondition;
}

/** ORed groups of ANDed items, as the advanced filters. */
export type EventConditionGroups = EventConditionItem[][];

const SOURCE = ['event_tracking', 'event_tracking_property'];
const FOREIGN_FIELDS = ['extra_value', 'scope', 'days'] as const;

/**
 * `event_conditions` of an onEventRecorded trigger: event_tracking_property items without
 * `extra_value` (the event is the trigger's) and `scope` / `days` (the value is the occurrence's
 * own), as groups of items or one list of items (one group). Null when there are none. Throws
 * FcrmError('invalid_automation') naming the group and item.
 */
export function parseEventConditions(raw: unknown): EventConditionGroups | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) throw invalid('event_conditions must be a list of items (or of groups of items)');
  const groups: unknown[] = raw.length > 0 && !Array.isArray(raw[0]) ? [raw] : raw;
  let seen = 0;
  const parsed = groups.map((group, g) => {
    if (!Array.isArray(group)) throw invalid(`event_conditions group ${g + 1} must be a list of items`);
    return group.map((item: unknown, i) => {
      seen += 1;
      if (seen > MAX_EVENT_CONDITION_ITEMS) throw invalid(`event_conditions may have at most ${MAX_EVENT_CONDITION_ITEMS} items in all`);
      return parseItem(item, `event_conditions group ${g + 1}, item ${i + 1}`);
    });
  });
  const kept = parsed.filter((group) => group.length > 0);
  return kept.length > 0 ? kept : null;
}

function parseItem(input: unknown, label: string): EventConditionItem {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid(`${label} must be an object with property, operator and value`);
  const item = input as Record<string, unknown>;
  if (item.source !== undefined && JSON.stringify(item.source) !== JSON.stringify(SOURCE)) {
    throw invalid(`${label}: source must be ${JSON.stringify(SOURCE)} (or left out)`);
  }
  for (const field of FOREIGN_FIELDS) {
    if (item[field] !== undefined) throw invalid(`${label}: ${field} does not apply (the event is the one that fired the trigger)`);
  }
  const operator = item.operator;
  if (typeof operator !== 'string' || !(PROPERTY_OPERATORS as readonly string[]).includes(operator)) {
    throw invalid(`${label}: operator ${JSON.stringify(operator) ?? 'is missing'} is not allowed (use ${PROPERTY_OPERATORS.join(', ')})`);
  }
  const path = typeof item.property === 'string' ? parsePropertyPath(item.property) : null;
  if (!path) throw invalid(`${label}: property must be a dot path of 1 to 10 non-empty keys (such as "order.total")`);
  try {
    const condition = resolvePropertyCondition(operator as PropertyOperator, item.value);
    return { property: item.property as string, path, operator: operator as PropertyOperator, value: item.value, condition };
  } catch (error) {
    throw invalid(`${label}: value ${(error as Error).message} for operator ${operator}`);
  }
}

/**
 * Whether the triggering event's own value (its `value` text) satisfies the groups, in memory, with
 * the same comparison definition the SQL filter uses (src/properties/propertyTest.ts). A value
 * that is not structured has no properties: positive items fail, negative ones hold.
 */
export function eventConditionsHold(
  groups: EventConditionGroups,
  value: unknown,
  eventKey: string,
  propertyType?: PropertyTypeResolver,
): boolean {
  const root = typeof value === 'string' ? structuredJson(value) : undefined;
  return groups.some((group) =>
    group.every((item) => {
      const declared = propertyType?.(eventKey, item.path);
      const condition = declared === undefined ? item.condition : resolveDeclared(item, declared);
      return condition !== null && matchesProperty(root, item.path, condition);
    }),
  );
}

/** With a declared type an item can become unusable (`>` on a string): it then matches nothing. */
function resolveDeclared(item: EventConditionItem, declared: Parameters<typeof resolvePropertyCondition>[2]): PropertyCondition | null {
  try {
    return resolvePropertyCondition(item.operator, item.value, declared);
  } catch {
    return null;
  }
}

function invalid(text: string): FcrmError {
  return new FcrmError('invalid_automation', text);
}
