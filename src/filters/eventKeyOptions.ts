import type { DataSource } from 'typeorm';
import type { TableNames } from '../db/tableNames';
import { containsPattern } from './sqlText';

/** An option of FluentCRM's `reports/ajax-options` list. */
export interface SelectOption {
  id: string;
  title: string;
}

export interface EventKeyOptionsQuery {
  /** Text the key must contain, case-insensitively; `%`, `_` and `\` are literal. */
  search?: string;
  /** At most this many options (the caller has checked it against MAX_KEY_OPTIONS). */
  limit: number;
}

/** A picker lists a screenful and narrows it by typing: FluentCRM's option lists work the same way. */
export const DEFAULT_KEY_OPTIONS = 20;
/** Beyond this a `limit` is refused: 12,086 keys in one answer was an attack, not a picker. */
export const MAX_KEY_OPTIONS = 100;

/**
 * The distinct event keys, ascending, for a filter screen's key picker: the first `limit` of those
 * containing `search`. Keys are distinct case-insensitively, shown in their first stored spelling
 * (the lowest id). The recursive query hops through the lower(event_key) index one key at a time,
 * ascending, and stops as soon as `limit` keys matched, so it reads a few index entries per distinct
 * key it passes instead of every event row (no sort below the LIMIT, so the recursion is pulled
 * lazily; the outer ORDER BY sorts at most `limit` rows).
 */
export async function listEventKeyOptions(db: DataSource, tables: TableNames, query: EventKeyOptionsQuery): Promise<SelectOption[]> {
  const t = tables.events;
  const pattern = query.search ? containsPattern(query.search.toLowerCase()) : '%';
  const rows: Array<{ event_key: string }> = await db.query(
    `
    WITH RECURSIVE keys(k) AS (
      SELECT min(lower(event_key)) FROM ${t}
      UNION ALL
      SELECT (SELECT min(lower(te.event_key)) FROM ${t} te WHERE lower(te.event_key) > keys.k)
        FROM keys WHERE keys.k IS NOT NULL
    ),
    matching AS (
      SELECT k FROM keys WHERE k IS NOT NULL AND k LIKE $1 LIMIT $2
    )
    SELECT (SELECT te.event_key FROM ${t} te WHERE lower(te.event_key) = matching.k ORDER BY te.id LIMIT 1) AS event_key
      FROM matching
     ORDER BY matching.k`,
    [pattern, query.limit],
  );
  return rows.map(({ event_key }) => ({ id: event_key, title: event_key }));
}
