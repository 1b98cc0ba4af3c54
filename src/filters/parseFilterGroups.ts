import { FcrmError } from '../errors';
import { parseFilterMoment } from './filterDate';
import { readNumber } from './filterNumber';
import { parsePropertyItem } from './parsePropertyItem';
import type { PropertyOperator } from '../properties/propertyTest';
import { PROPERTY_RULES, type ValueKind } from './filterProperties';
import { FILTER_PROPERTIES, FILTER_SOURCE, type FilterGroup, type FilterItem, type FilterOperator, type FilterProperty } from './filterTypes';

/** Bounds that keep one filter's SQL small; far above what a filter screen produces. */
export const MAX_FILTER_ITEMS = 100;
export const MAX_KEYS_PER_ITEM = 100;
export const MAX_WITHIN_DAYS = 36_500;

/**
 * Validates FluentCRM advanced filters (the array, or its JSON text) and returns them canonical:
 * items with an empty value are left out (FluentCRM skips them), and so are groups left empty.
 * `undefined`, `null`, `""` and `[]` mean no filter. Anything else malformed is an
 * `FcrmError('invalid_filter')` naming the group and item. Parsing the result again gives it back.
 */
export function parseFilterGroups(input: unknown): FilterGroup[] {
  const raw = fromJson(input);
  if (raw === null) return [];
  if (!Array.isArray(raw)) {
    throw invalid('Filters must be an array of groups, each an array of items like {"source":["event_tracking","event_tracking_key"],"operator":"in","value":["signup"]}');
  }
  const groups: FilterGroup[] = [];
  let seen = 0;
  raw.forEach((group: unknown, g) => {
    if (!Array.isArray(group)) throw invalid(`Filter group ${g + 1} must be an array of items`);
    const items: FilterItem[] = [];
    group.forEach((item: unknown, i) => {
      seen += 1;
      if (seen > MAX_FILTER_ITEMS) throw invalid(`Filters may have at most ${MAX_FILTER_ITEMS} items in all`);
      const parsed = parseItem(item, `Filter group ${g + 1}, item ${i + 1}`);
      if (parsed) items.push(parsed);
    });
    if (items.length > 0) groups.push(items);
  });
  return groups;
}

function fromJson(input: unknown): unknown {
  if (input === undefined || input === null) return null;
  if (typeof input !== 'string') return input;
  if (input.trim() === '') return null;
  try {
    return JSON.parse(input);
  } catch (error) {
    throw invalid(`Filters are not valid JSON: ${(error as Error).message}`);
  }
}

/** The canonical item, or null when its value is empty (skipped). */
function parseItem(input: unknown, label: string): FilterItem | null {
  if (!isPlainObject(input)) throw invalid(`${label} must be an object with source, operator and value`);
  const property = readProperty(input.source, label);
  const rule = PROPERTY_RULES[property];
  const operator = input.operator;
  if (typeof operator !== 'string' || !(rule.operators as readonly string[]).includes(operator)) {
    const given = operator === undefined ? 'is missing' : `${show(operator)} is not allowed`;
    throw invalid(`${label}: operator ${given} for ${property} (use ${rule.operators.join(', ')})`);
  }
  if (property === 'event_tracking_property') return parsePropertyItem(input, operator as PropertyOperator, label);
  if (isEmptyValue(input.value)) return null;
  const value = readValue(rule.valueKind(operator as FilterOperator), input.value, `${label}: value`, property);
  if (value === null) return null;
  const item: FilterItem = { source: [FILTER_SOURCE, property], operator: operator as FilterOperator, value };
  if (rule.needsEventKey) {
    const key = readKey(input.extra_value);
    if (key === null) throw invalid(`${label}: ${property} needs extra_value, the event key whose events are compared`);
    item.extra_value = key;
  }
  if (rule.needsDays) {
    // Checked after the value, so a half-filled row (no value yet) is skipped, not rejected.
    if (isBlank(input.days)) throw invalid(`${label}: ${property} needs days, the window in whole days (1 to ${MAX_WITHIN_DAYS})`);
    const days = readDays(input.days);
    if (days === null) throw invalid(`${label}: days ${show(input.days)} must be a whole number of days from 1 to ${MAX_WITHIN_DAYS}`);
    item.days = days;
  }
  return item;
}

function readProperty(source: unknown, label: string): FilterProperty {
  if (!Array.isArray(source) || source.length !== 2 || typeof source[0] !== 'string' || typeof source[1] !== 'string') {
    throw invalid(`${label}: source must be ["event_tracking", PROPERTY]`);
  }
  if (source[0] !== FILTER_SOURCE) {
    throw invalid(`${label}: only event_tracking filters are supported (source ${show(source[0])} given)`);
  }
  if (!(FILTER_PROPERTIES as readonly string[]).includes(source[1])) {
    throw invalid(`${label}: unknown property ${show(source[1])} (use ${FILTER_PROPERTIES.join(', ')})`);
  }
  return source[1] as FilterProperty;
}

/** FluentCRM skips an item whose value is '', null, [] or missing; 0 and "0" are values. */
function isEmptyValue(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function readValue(kind: ValueKind, raw: unknown, what: string, property: FilterProperty): string | string[] | null {
  switch (kind) {
    case 'keys': {
      const list = Array.isArray(raw) ? raw : [raw];
      const keys = list.map(readKey);
      if (keys.some((key, i) => key === null && !isBlank(list[i]))) throw invalid(`${what} must be an event key or a list of event keys`);
      const present = keys.filter((key): key is string => key !== null);
      if (present.length > MAX_KEYS_PER_ITEM) throw invalid(`${what} may list at most ${MAX_KEYS_PER_ITEM} event keys`);
      return present.length > 0 ? present : null; // only blanks: as empty as []
    }
    case 'number': {
      const number = readNumber(raw);
      if (number === null) throw invalid(`${what} ${show(raw)} must be a number for ${property}`);
      return number;
    }
    case 'text':
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
      throw invalid(`${what} must be a string or a number`);
    case 'date':
      if (typeof raw !== 'string' || parseFilterMoment(raw) === null) {
        throw invalid(`${what} ${show(raw)} must be an ISO date (2026-01-31) or date-time (2026-01-31T14:00:00Z)`);
      }
      return raw.trim();
    case 'property':
      throw new TypeError('event_tracking_property items are read by parsePropertyItem');
    case 'days': {
      const days = readDays(raw);
      if (days === null) throw invalid(`${what} ${show(raw)} must be a whole number of days from 1 to ${MAX_WITHIN_DAYS}`);
      return String(days);
    }
  }
}

/** A number of days, 1 to MAX_WITHIN_DAYS, as a whole number or a string of digits (`30`, `"30"`); null otherwise. */
function readDays(raw: unknown): number | null {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d{1,6}\s*$/.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= MAX_WITHIN_DAYS ? n : null;
}

/** An event key as stored: sanitised keys never start or end with whitespace, so trim. */
function readKey(raw: unknown): string | null {
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw !== 'string') return null;
  const key = raw.trim();
  return key === '' ? null : key;
}

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function invalid(message: string): FcrmError {
  return new FcrmError('invalid_filter', message);
}
