import { createHash } from 'node:crypto';

export const DERIVED_KEY_PREFIX = 'import:';

/**
 * Idempotency keys for lines that bring none, so importing a file again changes nothing:
 * `import:` + hex SHA-256 of the line's canonical JSON (keys sorted, no whitespace, without
 * `idempotency_key`), and `:N` for the N-th identical line of the file, so repeated lines still
 * count as separate occurrences. Deterministic for the same file; a line's key does not depend on
 * its position, so appending lines and importing again only adds the new ones.
 */
export class KeyDeriver {
  /** Occurrences so far per content; 12 bytes of the digest keep the map small (~60 bytes a line). */
  private readonly seen = new Map<string, number>();

  derive(data: Record<string, unknown>): string {
    const { idempotency_key: _none, ...content } = data;
    const digest = createHash('sha256').update(canonicalJson(content)).digest();
    const short = digest.toString('base64', 0, 12);
    const nth = (this.seen.get(short) ?? 0) + 1;
    this.seen.set(short, nth);
    const key = `${DERIVED_KEY_PREFIX}${digest.toString('hex')}`;
    return nth === 1 ? key : `${key}:${nth}`;
  }
}

/** JSON with object keys sorted at every level: equal data, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
