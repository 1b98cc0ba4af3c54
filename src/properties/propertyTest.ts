import { DAY_MS, parseFilterMoment, parseMomentText } from '../filters/filterDate';
import { readNumber } from '../filters/filterNumber';
import { compareDecimal } from './decimal';
import { valueAtPath } from './propertyPath';

/**
 * The one definition of how an `event_tracking_property` item compares a property: the item is
 * resolved here into a PropertyTest, which propertySql.ts writes as SQL and testProperty() below
 * evaluates in memory (automation event_conditions). Both read the same fields in the same way.
 */

export const PROPERTY_OPERATORS = [
  '=', '!=', '<', '>', '<=', '>=', 'contains', 'not_contains', 'in', 'not_in', 'exists', 'not_exists', 'before', 'after',
] as const;
export type PropertyOperator = (typeof PROPERTY_OPERATORS)[number];

/** A type a property is declared with (event definitions); it overrides the type read from `value`. */
export type PropertyType = 'number' | 'string' | 'boolean' | 'date';
/** Declared types: undefined when the key's path has none (then the filter's `value` decides). */
export type PropertyTypeResolver = (eventKey: string, path: string[]) => PropertyType | undefined;
/** Whether a definition indexes the property (its `any`-scope filter then reads the occurrences' own key). */
export type PropertyIndexedResolver = (eventKey: string, path: string[]) => boolean;

/** A scalar a filter compares with; `in` / `not_in` take a list of them. */
export type PropertyScalar = string | number | boolean;

/** Operators that mean "has no event whose property …": the NOT of their positive twin. */
const NEGATED: Partial<Record<PropertyOperator, PropertyOperator>> = {
  '!=': '=', not_contains: 'contains', not_in: 'in', not_exists: 'exists',
};

export const MAX_IN_VALUES = 100;

/** What one property must satisfy (positively). Number operands are canonical decimal text. */
export type PropertyTest =
  | { kind: 'exists' }
  | { kind: 'number'; op: '=' | '<' | '>' | '<=' | '>='; operand: string }
  /** A JSON string equal, ignoring case; or, when `numeric` is set, a JSON number equal to it. */
  | { kind: 'text'; operand: string; numeric: string | null }
  /** A JSON string containing the text, ignoring case, or an array with such a string element. */
  | { kind: 'contains'; operand: string }
  | { kind: 'boolean'; operand: boolean }
  /** A JSON string in one of the filter date forms, compared with an instant (ISO text). */
  | { kind: 'date'; op: '<' | '>' | '>='; at: string }
  | { kind: 'any_of'; tests: PropertyTest[] };

export interface PropertyCondition {
  test: PropertyTest;
  /** A negative operator: the event (or occurrence) must not exist / not match. */
  negated: boolean;
}

/**
 * The test an operator and value stand for, by the declared type when there is one, else by the
 * type of `value`. Throws an Error whose message says what is wrong (callers make it invalid_filter).
 */
export function resolvePropertyCondition(operator: PropertyOperator, value: unknown, declared?: PropertyType): PropertyCondition {
  const positive = NEGATED[operator] ?? operator;
  return { test: resolveTest(positive, value, declared), negated: positive !== operator };
}

function resolveTest(operator: PropertyOperator, value: unknown, declared: PropertyType | undefined): PropertyTest {
  switch (operator) {
    case 'exists':
      return { kind: 'exists' };
    case 'in': {
      const list = Array.isArray(value) ? value : [value];
      if (list.length === 0 || list.length > MAX_IN_VALUES) throw new Error(`value must list 1 to ${MAX_IN_VALUES} values`);
      return { kind: 'any_of', tests: list.map((element) => equalityTest(element, declared)) };
    }
    case '=':
      return equalityTest(value, declared);
    case '<':
    case '>':
    case '<=':
    case '>=':
      if (declared === 'date') return dateTest(operator === '<' || operator === '<=' ? 'before' : 'after', value);
      if (declared !== undefined && declared !== 'number') throw new Error(`${operator} compares numbers, and the property is declared ${declared}`);
      return { kind: 'number', op: operator, operand: numberOperand(value) };
    case 'contains':
      if (declared !== undefined && declared !== 'string') throw new Error(`contains compares text, and the property is declared ${declared}`);
      if (typeof value === 'number' && Number.isFinite(value)) return { kind: 'contains', operand: String(value) };
      if (typeof value !== 'string') throw new Error('value must be a string for contains');
      return { kind: 'contains', operand: value };
    case 'before':
    case 'after':
      if (declared !== undefined && declared !== 'date') throw new Error(`${operator} compares dates, and the property is declared ${declared}`);
      return dateTest(operator, value);
    default:
      throw new Error(`operator ${operator} cannot be used here`);
  }
}

function equalityTest(value: unknown, declared: PropertyType | undefined): PropertyTest {
  switch (declared) {
    case 'number':
      return { kind: 'number', op: '=', operand: numberOperand(value) };
    case 'boolean':
      return { kind: 'boolean', operand: booleanOperand(value) };
    case 'date':
      throw new Error('a property declared date is compared with before or after');
    case 'string':
      if (typeof value === 'string') return { kind: 'text', operand: value, numeric: null };
      if (typeof value === 'number' && Number.isFinite(value)) return { kind: 'text', operand: String(value), numeric: null };
      throw new Error(`${show(value)} is not text, and the property is declared string`);
    case undefined:
      if (typeof value === 'boolean') return { kind: 'boolean', operand: value };
      if (typeof value === 'number') return { kind: 'number', op: '=', operand: numberOperand(value) };
      // A string compares as text; one that reads as a number also matches that JSON number (a
      // filter screen sends "100" for 100).
      if (typeof value === 'string') return { kind: 'text', operand: value, numeric: readNumber(value) };
      throw new Error(`${show(value)} must be a string, a number or a boolean`);
  }
}

function numberOperand(value: unknown): string {
  const number = readNumber(value);
  if (number === null) throw new Error(`${show(value)} must be a number`);
  return number;
}

function booleanOperand(value: unknown): boolean {
  if (value === true || value === 'true' || value === 1 || value === '1') return true;
  if (value === false || value === 'false' || value === 0 || value === '0') return false;
  throw new Error(`${show(value)} must be true or false`);
}

/** `before` a day: before it starts; `after` a day: from the next one; with a time both are strict (as the other date filters). */
function dateTest(operator: 'before' | 'after', value: unknown): PropertyTest {
  const moment = typeof value === 'string' ? parseFilterMoment(value) : null;
  if (!moment) throw new Error(`${show(value)} must be an ISO date (2026-01-31) or date-time (2026-01-31T14:00:00Z)`);
  const test: PropertyTest =
    operator === 'before'
      ? { kind: 'date', op: '<', at: moment.at.toISOString() }
      : moment.wholeDay
        ? { kind: 'date', op: '>=', at: new Date(moment.at.getTime() + DAY_MS).toISOString() }
        : { kind: 'date', op: '>', at: moment.at.toISOString() };
  // An offset or the next day can carry the bound out of years 1-9999 ("+010000-…"), which PostgreSQL cannot read.
  if (!/^(?!0000)\d{4}-/.test(test.at)) throw new Error(`${show(value)} is out of range (years 0001 to 9999)`);
  return test;
}

/** Whether a parsed value (the occurrence's own, see structuredValue.ts) satisfies the condition at `path`. */
export function matchesProperty(root: unknown, path: readonly string[], condition: PropertyCondition): boolean {
  const found = root === undefined ? undefined : testProperty(condition.test, valueAtPath(root, path));
  return condition.negated ? !found : found === true;
}

/** The in-memory twin of propertySql.ts's testSql. `property` is undefined when the path is absent. */
export function testProperty(test: PropertyTest, property: unknown): boolean {
  if (property === undefined) return false;
  switch (test.kind) {
    case 'exists':
      return true;
    case 'number': {
      const number = numberOf(property);
      if (number === null) return false;
      const c = compareDecimal(number, test.operand);
      return { '=': c === 0, '<': c < 0, '>': c > 0, '<=': c <= 0, '>=': c >= 0 }[test.op];
    }
    case 'text':
      if (typeof property === 'string') return lower(property) === lower(test.operand);
      return test.numeric !== null && typeof property === 'number' && compareDecimal(String(property), test.numeric) === 0;
    case 'contains': {
      const needle = lower(test.operand);
      if (typeof property === 'string') return lower(property).includes(needle);
      return Array.isArray(property) && property.some((e) => typeof e === 'string' && lower(e).includes(needle));
    }
    case 'boolean':
      return property === test.operand;
    case 'date': {
      const moment = typeof property === 'string' ? parseMomentText(property) : null;
      if (!moment) return false;
      const a = moment.at.getTime();
      const b = Date.parse(test.at);
      return test.op === '<' ? a < b : test.op === '>' ? a > b : a >= b;
    }
    case 'any_of':
      return test.tests.some((t) => testProperty(t, property));
  }
}

/** The property's number text: a JSON number, or a string shaped like one (PROPERTY_NUMBER_PATTERN); null otherwise. */
function numberOf(property: unknown): string | null {
  if (typeof property === 'number') return Number.isFinite(property) ? String(property) : null;
  if (typeof property === 'string' && property.length <= 100 && PROPERTY_NUMBER.test(property)) return property;
  return null;
}

/** A number written in a string property: no surrounding spaces, at most a 3-digit exponent (so numeric never overflows). */
const PROPERTY_NUMBER = /^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$/;
export const PROPERTY_NUMBER_SQL = '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$';

/**
 * Case folding as PostgreSQL's lower() does it in UTF-8 locales: one character at a time, each to
 * one character (JavaScript's toLowerCase turns "İ" into two and a final "Σ" into "ς"; towlower does neither).
 */
function lower(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  let folded = '';
  for (const c of text) {
    const l = c.toLowerCase();
    folded += l.length === c.length ? l : String.fromCodePoint(l.codePointAt(0)!);
  }
  return folded;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
