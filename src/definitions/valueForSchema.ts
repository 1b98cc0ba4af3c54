/**
 * What a tracking call sent as `value`, by JSON type. The stored text loses it ("100" may have been
 * 100 or "100"), and a schema checks the type, so the tracker notes it before normalising.
 */
export type ValueKind = 'absent' | 'string' | 'number' | 'boolean' | 'structured';

/** The kind of `data.value` for any tracking input (non-objects have no value). */
export function valueKindOf(data: unknown): ValueKind {
  if (typeof data !== 'object' || data === null) return 'absent';
  const value = (data as { value?: unknown }).value;
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      return value === null ? 'absent' : 'structured';
    default:
      return 'absent';
  }
}

/**
 * The value a schema checks: what is stored (sanitised strings, objects as their stored JSON), with
 * its JSON type restored. A missing or null value is checked as null.
 */
export function valueForSchema(kind: ValueKind, storedText: string): unknown {
  switch (kind) {
    case 'absent':
      return null;
    case 'string':
      return storedText;
    case 'number':
      return Number(storedText);
    case 'boolean':
      return storedText === '1';
    case 'structured':
      return JSON.parse(storedText) as unknown;
  }
}
