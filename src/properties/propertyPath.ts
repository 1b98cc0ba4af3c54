/** The most segments a property path may have (`a.b.c` has 3). */
export const MAX_PATH_SEGMENTS = 10;
/** The longest property path accepted, in characters; far above any real one. */
export const MAX_PATH_LENGTH = 500;

/**
 * A dot path (`order.total`, `items.0.sku`) as its segments. A key containing a dot is written
 * `a\.b` and a backslash `\\`. Null when malformed: empty, an empty segment (`a..b`, `.a`), another
 * character after a backslash, more than MAX_PATH_SEGMENTS segments or MAX_PATH_LENGTH characters.
 */
export function parsePropertyPath(text: string): string[] | null {
  if (text.length === 0 || text.length > MAX_PATH_LENGTH) return null;
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== '.' && next !== '\\') return null;
      current += next;
      i += 1;
    } else if (c === '.') {
      if (current === '') return null;
      segments.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (current === '') return null;
  segments.push(current);
  return segments.length <= MAX_PATH_SEGMENTS ? segments : null;
}

/** The path written back as text (the inverse of parsePropertyPath). */
export function formatPropertyPath(segments: readonly string[]): string {
  return segments.map((s) => s.replace(/[\\.]/g, (c) => `\\${c}`)).join('.');
}

const STRTOL_SPACE = /^[ \t\n\v\f\r]*[+-]?[0-9]+$/;

/**
 * The value at `path` inside a parsed JSON value, as PostgreSQL's `#>` finds it: object keys
 * exactly, array elements by an integer segment (leading C whitespace and a sign allowed, negative
 * counts from the end), undefined when there is no such element. JSON null is a value (null).
 */
export function valueAtPath(root: unknown, path: readonly string[]): unknown {
  let node: unknown = root;
  for (const segment of path) {
    if (Array.isArray(node)) {
      if (!STRTOL_SPACE.test(segment)) return undefined;
      const n = Number(segment.trim());
      if (!Number.isSafeInteger(n) || n > 2_147_483_647 || n < -2_147_483_648) return undefined;
      const index = n >= 0 ? n : node.length + n;
      if (index < 0 || index >= node.length) return undefined;
      node = node[index];
    } else if (node !== null && typeof node === 'object') {
      if (!Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
      node = (node as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return node;
}
