import { containsPattern } from '../filters/sqlText';
import { PROPERTY_NUMBER_SQL, type PropertyTest } from './propertyTest';

/**
 * A PropertyTest as a boolean SQL expression over `x`, a jsonb expression (the property, NULL when
 * absent). The twin of testProperty() in propertyTest.ts: change one, change both (the
 * differential test in test/properties compares them). No branch can raise an error on stored
 * data: every cast sits behind a CASE that checked the text first.
 */
export function testSql(test: PropertyTest, x: string, p: (value: unknown) => string): string {
  switch (test.kind) {
    case 'exists':
      return `${x} IS NOT NULL`;
    case 'number':
      return `${propertyNumberSql(x)} ${test.op} ${p(test.operand)}::numeric`;
    case 'text': {
      // NULL rather than false for a property that is no string: the same in the filter's WHERE, and
      // the comparisons stay the indexed expression's (an indexed string property indexes the key,
      // the first comparison; the second makes it exact for longer text).
      const operand = `lower(${p(test.operand)}::text)`;
      const text = `(${propertyTextKeySql(x)} = left(${operand}, ${TEXT_KEY_LENGTH}) AND ${propertyTextSql(x)} = ${operand})`;
      if (test.numeric === null) return text;
      return `(${text} OR (CASE WHEN jsonb_typeof(${x}) = 'number' THEN (${x})::numeric = ${p(test.numeric)}::numeric END))`;
    }
    case 'contains': {
      const pattern = `lower(${p(containsPattern(test.operand))}::text)`;
      return (
        `(CASE jsonb_typeof(${x}) WHEN 'string' THEN lower(${x} #>> '{}') LIKE ${pattern}` +
        ` WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${x}) AS pe(v)` +
        ` WHERE jsonb_typeof(pe.v) = 'string' AND lower(pe.v #>> '{}') LIKE ${pattern}) ELSE false END)`
      );
    }
    case 'boolean':
      return `${x} = '${test.operand ? 'true' : 'false'}'::jsonb`;
    case 'date':
      return `${momentSql(x)} ${test.op} ${p(test.at)}::timestamptz`;
    case 'any_of':
      return `(${test.tests.map((t) => testSql(t, x, p)).join(' OR ')})`;
  }
}

/**
 * Digits of a JSON number that still compares as one: every double (the tracker stores canonical
 * JSON, and JavaScript reads it as doubles) is at most 326 characters written out in full; a longer
 * number (only a migrated row can hold one) is none, as it is Infinity or 0 to JavaScript. Bounds an
 * index entry of an indexed property (~170 bytes; a btree entry holds ~2,700).
 */
const MAX_NUMBER_DIGITS = 330;

/** A JSON string, lower-cased as the filter compares text; NULL otherwise. */
function propertyTextSql(x: string): string {
  return `(CASE WHEN jsonb_typeof(${x}) = 'string' THEN lower(${x} #>> '{}') END)`;
}

/** Characters of a string an index holds: 800 bytes at most, a btree entry holds ~2,700 (and a value may be 64 KiB). */
const TEXT_KEY_LENGTH = 200;

/** The start of propertyTextSql: an indexed string property's index expression. */
export function propertyTextKeySql(x: string): string {
  return `left(${propertyTextSql(x)}, ${TEXT_KEY_LENGTH})`;
}

/**
 * A JSON number, or a string shaped like one, as numeric; NULL otherwise (the row drops out). Also
 * the expression of an indexed property's indexes (propertyIndexes.ts): the two must stay the same
 * text for PostgreSQL to match a filter with its index.
 */
export function propertyNumberSql(x: string): string {
  const text = `(${x} #>> '{}')`;
  return (
    `(CASE jsonb_typeof(${x}) WHEN 'number' THEN (CASE WHEN length((${x})::text) <= ${MAX_NUMBER_DIGITS} THEN (${x})::numeric END)` +
    ` WHEN 'string' THEN (CASE WHEN length(${text}) <= 100 AND ${text} ~ '${PROPERTY_NUMBER_SQL}' THEN ${text}::numeric END) END)`
  );
}

// src/filters/filterDate.ts's date forms, in POSIX classes (no backslashes in the literal).
const MOMENT_SQL =
  '^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.]([0-9]{1,6}))?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$';

/**
 * A JSON string in a filter date form as timestamptz, NULL for anything else, as parseMomentText
 * reads it: no offset is UTC, impossible dates (2026-02-30) and out-of-range fields are NULL,
 * milliseconds cut from the digits. Computed with arithmetic from the matched digits, never by
 * casting the text (a cast of a bad date would abort the whole query).
 */
function momentSql(x: string): string {
  const n = (i: number) => `(m[${i}])::int`;
  const offsetDigits = `replace(substr(m[8], 2), ':', '')`;
  const offsetHours = `nullif(substr(${offsetDigits}, 1, 2), '')::int`;
  const offsetMinutes = `nullif(substr(${offsetDigits}, 3, 2), '')::int`;
  const monthLength =
    `(CASE WHEN ${n(2)} = 2 THEN CASE WHEN (${n(1)} % 4 = 0 AND ${n(1)} % 100 <> 0) OR ${n(1)} % 400 = 0 THEN 29 ELSE 28 END` +
    ` WHEN ${n(2)} IN (4, 6, 9, 11) THEN 30 ELSE 31 END)`;
  const valid =
    `${n(1)} >= 1 AND ${n(2)} BETWEEN 1 AND 12 AND ${n(3)} BETWEEN 1 AND ${monthLength}` +
    ` AND coalesce(${n(4)}, 0) <= 23 AND coalesce(${n(5)}, 0) <= 59 AND coalesce(${n(6)}, 0) <= 59` +
    ` AND (m[8] IS NULL OR upper(m[8]) = 'Z' OR (${offsetHours} <= 23 AND ${offsetMinutes} <= 59))`;
  const offset = `(CASE WHEN m[8] IS NULL OR upper(m[8]) = 'Z' THEN 0 ELSE (CASE WHEN left(m[8], 1) = '-' THEN -1 ELSE 1 END) * (${offsetHours} * 60 + ${offsetMinutes}) END)`;
  const millis =
    `(coalesce(${n(4)}, 0)::bigint * 3600000 + coalesce(${n(5)}, 0) * 60000 + coalesce(${n(6)}, 0) * 1000` +
    ` + coalesce(substr(m[7] || '00', 1, 3)::int, 0) - ${offset}::bigint * 60000)`;
  return (
    `(SELECT CASE WHEN m IS NOT NULL THEN CASE WHEN ${valid} THEN` +
    ` (make_date(${n(1)}, ${n(2)}, ${n(3)})::timestamp AT TIME ZONE 'UTC') + ${millis} * interval '1 millisecond' END END` +
    ` FROM (SELECT regexp_match(CASE WHEN jsonb_typeof(${x}) = 'string' THEN ${x} #>> '{}' END, '${MOMENT_SQL}', 'i') AS m) pm)`
  );
}
