import type { DataSource } from 'typeorm';
import type { TableNames } from '../db/tableNames';
import { formatPropertyPath, MAX_PATH_SEGMENTS } from '../definitions/propertyPath';

/** A property path seen in a key's values, for a filter screen's property picker. */
export interface PropertyOption {
  /** The path as the `event_tracking_property` filter writes it (`order.total`, `a\.b`). */
  id: string;
  title: string;
  /** The JSON types seen at this path: array, boolean, null, number, object, string. */
  types: JsonType[];
  /** In how many of the sampled values the path occurs. */
  seen: number;
}

export type JsonType = 'array' | 'boolean' | 'null' | 'number' | 'object' | 'string';

/** How many of the key's rows are read: a sample, never the key's whole population. */
export const PROPERTY_SAMPLE_ROWS = 100;
/** Values longer than this (UTF-8 bytes) are left out of the sample (parsing them costs more than they tell). */
export const PROPERTY_SAMPLE_VALUE_BYTES = 16_384;
export const DEFAULT_PROPERTY_OPTIONS = 100;
export const MAX_PROPERTY_OPTIONS = 200;
/** Distinct paths remembered while walking the sample; more are not counted (bounds memory for odd data). */
const MAX_WALKED_PATHS = 2_000;

/**
 * The property paths seen in a key's latest values (the `value` of its event rows, parsed when it is
 * a JSON object or array), with the JSON types seen at each. The sample is the rows of up to
 * PROPERTY_SAMPLE_ROWS contacts, the newest first, read by walking the (lower(event_key),
 * subscriber_id) index backwards: a bounded read however many rows the key has. Arrays are described
 * by their first element (`items.0.sku`); paths have at most MAX_PATH_SEGMENTS segments. The `limit`
 * most frequent paths are answered, in path order.
 */
export async function listEventPropertyOptions(
  db: DataSource,
  tables: TableNames,
  query: { eventKey: string; limit: number },
): Promise<{ options: PropertyOption[]; sampled: number }> {
  const rows: Array<{ value: string | null }> = await db.query(propertySampleSql(tables), propertySampleParams(query.eventKey));
  const paths = new PathTally();
  for (const { value } of rows) {
    const parsed = structuredValue(value);
    if (parsed !== undefined) paths.addValue(parsed);
  }
  return { options: paths.top(query.limit), sampled: rows.length };
}

/** The sample's statement ($1 the key, $2 the rows, $3 the longest value parsed); exported for the EXPLAIN test. */
export function propertySampleSql(tables: TableNames): string {
  return `SELECT CASE WHEN octet_length(value) <= $3 THEN value END AS value
            FROM ${tables.events}
           WHERE lower(event_key) = lower($1)
           ORDER BY lower(event_key) DESC, subscriber_id DESC
           LIMIT $2`;
}

export function propertySampleParams(eventKey: string): [string, number, number] {
  return [eventKey, PROPERTY_SAMPLE_ROWS, PROPERTY_SAMPLE_VALUE_BYTES];
}

/** A stored value that is a JSON object or array, parsed; undefined for text and scalars. */
function structuredValue(text: string | null): unknown {
  if (text === null || (text[0] !== '{' && text[0] !== '[')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // text that merely starts like JSON
  }
}

function jsonType(node: unknown): JsonType {
  if (node === null) return 'null';
  if (Array.isArray(node)) return 'array';
  const type = typeof node;
  return type === 'number' || type === 'string' || type === 'boolean' || type === 'object' ? type : 'null';
}

/** Per path: its types and in how many values it occurs. */
class PathTally {
  private readonly byPath = new Map<string, { types: Set<JsonType>; seen: number; value: number }>();
  private values = 0;

  addValue(root: unknown): void {
    this.values += 1;
    this.walk(root, []);
  }

  private walk(node: unknown, segments: string[]): void {
    if (segments.length > 0) this.note(formatPropertyPath(segments), jsonType(node));
    if (segments.length === MAX_PATH_SEGMENTS || typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      if (node.length > 0) this.walk(node[0], [...segments, '0']);
      return;
    }
    for (const [key, child] of Object.entries(node)) this.walk(child, [...segments, key]);
  }

  private note(path: string, type: JsonType): void {
    let entry = this.byPath.get(path);
    if (!entry) {
      if (this.byPath.size >= MAX_WALKED_PATHS) return;
      entry = { types: new Set(), seen: 0, value: 0 };
      this.byPath.set(path, entry);
    }
    entry.types.add(type);
    // Counted once per sampled value.
    if (entry.value !== this.values) {
      entry.value = this.values;
      entry.seen += 1;
    }
  }

  top(limit: number): PropertyOption[] {
    return [...this.byPath]
      .sort(([a, x], [b, y]) => y.seen - x.seen || compare(a, b))
      .slice(0, limit)
      .sort(([a], [b]) => compare(a, b))
      .map(([path, { types, seen }]) => ({ id: path, title: path, types: [...types].sort(), seen }));
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
