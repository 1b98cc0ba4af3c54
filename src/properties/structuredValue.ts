/** Deeper values stay text only: PostgreSQL's JSON parser recurses, and a deep one must not fail a write. */
export const MAX_STRUCTURED_DEPTH = 64;

// \u0000 and lone surrogates are valid JSON text but not valid jsonb. Only a real escape counts: a
// backslash preceded by an even run of backslashes (an escaped backslash then "u0000" is plain text),
// and JSON writes the "u" of an escape lower-case (a string holding "\UDA" is text, not an escape).
const JSONB_REJECTS = /(?<!\\)(?:\\\\)*\\u(?:0000|[dD][89a-fA-F])/;

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
  if (JSONB_REJECTS.test(text) || !depthWithin(text)) return undefined;
  if (JSON.stringify(parsed) !== text) return undefined;
  return parsed;
}

/**
 * The same answer as structuredJson(text) !== undefined for text the tracker made from an object or
 * array (src/tracking/normalizeValue.ts): that text is JSON.stringify of sanitised data, so it is
 * canonical and holds no NUL or lone surrogate; only its kind and depth are left to check. Saves
 * the tracker a parse and a stringify per event.
 */
export function isStructuredObjectText(text: string): boolean {
  const first = text.charCodeAt(0);
  return (first === 123 || first === 91) && depthWithin(text);
}

/** Whether JSON text nests at most MAX_STRUCTURED_DEPTH deep: one pass over the characters, strings skipped. */
function depthWithin(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i += 1;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 123 || c === 91) {
      depth += 1;
      if (depth > MAX_STRUCTURED_DEPTH) return false;
    } else if (c === 125 || c === 93) {
      depth -= 1;
    }
  }
  return true;
}
