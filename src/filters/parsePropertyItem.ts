import { FcrmError } from '../errors';
import { parsePropertyPath } from '../properties/propertyPath';
import { MAX_IN_VALUES, resolvePropertyCondition, type PropertyOperator, type PropertyScalar } from '../properties/propertyTest';
import { FILTER_SOURCE, type FilterItem } from './filterTypes';

export const MAX_PROPERTY_DAYS = 36_500;

/**
 * An `event_tracking_property` item, canonical, or null when it is a half-filled row (no value yet,
 * except for exists/not_exists which need none). The comparison is resolved once here with the
 * types `value` implies, so a malformed item fails at parse time wherever it is used; compileItem
 * resolves it again with the declared types, when there are any.
 */
export function parsePropertyItem(input: Record<string, unknown>, operator: PropertyOperator, label: string): FilterItem | null {
  const needsValue = operator !== 'exists' && operator !== 'not_exists';
  if (needsValue && isEmpty(input.value)) return null;
  const item: FilterItem = { source: [FILTER_SOURCE, 'event_tracking_property'], operator };
  item.extra_value = readKey(input.extra_value, label);
  item.property = readPath(input.property, label);
  if (needsValue) item.value = readValue(input.value, operator, label);
  try {
    resolvePropertyCondition(operator, item.value);
  } catch (error) {
    throw invalid(`${label}: value ${(error as Error).message} for operator ${operator}`);
  }
  item.scope = readScope(input.scope, label);
  if (!isBlank(input.days)) item.days = readDays(input.days, label);
  return item;
}

function readKey(raw: unknown, label: string): string {
  const key = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (key === '') throw invalid(`${label}: event_tracking_property needs extra_value, the event key whose values are compared`);
  return key;
}

function readPath(raw: unknown, label: string): string {
  if (typeof raw !== 'string' || raw === '') throw invalid(`${label}: event_tracking_property needs property, a dot path such as "order.total"`);
  if (parsePropertyPath(raw) === null) {
    throw invalid(`${label}: property ${show(raw)} must be a dot path of 1 to 10 non-empty keys (write a dot inside a key as \\. and a backslash as \\\\)`);
  }
  return raw;
}

function readValue(raw: unknown, operator: PropertyOperator, label: string): PropertyScalar | PropertyScalar[] {
  if (operator === 'in' || operator === 'not_in') {
    const list = Array.isArray(raw) ? raw : [raw];
    if (list.length > MAX_IN_VALUES) throw invalid(`${label}: value may list at most ${MAX_IN_VALUES} values`);
    if (!list.every(isScalar)) throw invalid(`${label}: value must be a list of strings, numbers or booleans`);
    return list;
  }
  if (!isScalar(raw)) throw invalid(`${label}: value must be a string, a number or a boolean for operator ${operator}`);
  return raw;
}

function readScope(raw: unknown, label: string): 'latest' | 'any' {
  if (isBlank(raw)) return 'latest';
  if (raw === 'latest' || raw === 'any') return raw;
  throw invalid(`${label}: scope ${show(raw)} must be "latest" or "any"`);
}

function readDays(raw: unknown, label: string): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d{1,6}\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PROPERTY_DAYS) throw invalid(`${label}: days ${show(raw)} must be a whole number of days from 1 to ${MAX_PROPERTY_DAYS}`);
  return n;
}

function isScalar(value: unknown): value is PropertyScalar {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function invalid(message: string): FcrmError {
  return new FcrmError('invalid_filter', message);
}
