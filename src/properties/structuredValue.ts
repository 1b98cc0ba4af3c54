/** Deeper values stay text only: PostgreSQL's JSON parser recurses, and a deep one must not fail a write. */
export const MAX_STRUCTURED_DEPTH = 64;

// \u0000 and lone surrogates are valid JSON text but not valid jsonb; a false positive (an escaped
// backslash before "u0000") only keeps a value out of value_json, never fails a write.
const JSONB_REJECTS = /\\u(0000|d[89a-f])/i;

/**
 * The parsed object or array when the stored `value` text is one that also goes to `value_json`:
 * the text of a JSON object or array, written canonically (as JSON.stringify writes it, which is how
 * the tracker stores object values), that jsonb accepts, at most MAX_STRUCTURED_DEPTH deep.
 * Undefined otherwise (scalars, other text): such values have no properties (`value_json` NULL).
 * Canonical text is what makes the in-memory checks exact: every number in it is the shortest
 * text of a double, so JavaScript and PostgreSQL read the same numbers.
 */
export function structuredJson(text: string): object | undefined {
  const first = text.charCodeAt(0);
  if (first !== 123 /* { */ && first !== 91 /* [ */) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  if (JSONB_REJECTS.test(text) || tooDeep(parsed, 1)) return undefined;
  if (JSON.stringify(parsed) !== text) return undefined;
  return parsed;
}

function tooDeep(node: object, depth: number): boolean {
  if (depth > MAX_STRUCTURED_DEPTH) return true;
  for (const child of Array.isArray(node) ? node : Object.values(node)) {
    if (child !== null && typeof child === 'object' && tooDeep(child as object, depth + 1)) return true;
  }
  return false;
}
