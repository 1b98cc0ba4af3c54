/**
 * What counts as a number in a filter value and in a stored event value. The same shape is checked
 * in JavaScript (the filter's value) and in SQL (the stored values), so the two sides agree.
 * Capped at 100 characters and a 3-digit exponent so a cast to numeric can never overflow.
 */
export const MAX_NUMBER_LENGTH = 100;

const JS_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$/;

/** POSIX classes only, so the literal needs no backslashes whatever standard_conforming_strings says. */
export const SQL_NUMBER_PATTERN = '^[[:space:]]*[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,3})?[[:space:]]*$';

/** The canonical text of a numeric filter value (a finite number, or a string shaped like one); null otherwise. */
export function readNumber(raw: unknown): string | null {
  let text: string;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return null;
    text = String(raw);
  } else if (typeof raw === 'string') {
    text = raw.trim();
  } else {
    return null;
  }
  return text.length <= MAX_NUMBER_LENGTH && JS_NUMBER.test(text) ? text : null;
}

/**
 * `column`'s value as numeric when it looks like a number, else NULL (so the row drops out of a
 * comparison). CASE keeps the cast from running on rows that are not numbers.
 */
export function numericValueSql(column: string): string {
  return `(CASE WHEN length(${column}) <= ${MAX_NUMBER_LENGTH} AND ${column} ~ '${SQL_NUMBER_PATTERN}' THEN ${column}::numeric END)`;
}
