import type { DataSource } from 'typeorm';
import type { TableNames } from '../db/tableNames';

/** An option of FluentCRM's `reports/ajax-options` list. */
export interface SelectOption {
  id: string;
  title: string;
}

/**
 * The distinct event keys, ascending, for a filter screen's key picker. Keys are distinct
 * case-insensitively, shown in their first stored spelling (the lowest id). The recursive query
 * hops through the lower(event_key) index one key at a time, so it reads a few index entries per
 * distinct key instead of every event row.
 */
export async function listEventKeyOptions(db: DataSource, tables: TableNames): Promise<SelectOption[]> {
  const t = tables.events;
  const rows: Array<{ event_key: string }> = await db.query(`
    WITH RECURSIVE keys(k) AS (
      SELECT min(lower(event_key)) FROM ${t}
      UNION ALL
      SELECT (SELECT min(lower(te.event_key)) FROM ${t} te WHERE lower(te.event_key) > keys.k)
        FROM keys WHERE keys.k IS NOT NULL
    )
    SELECT (SELECT te.event_key FROM ${t} te WHERE lower(te.event_key) = keys.k ORDER BY te.id LIMIT 1) AS event_key
      FROM keys WHERE keys.k IS NOT NULL
     ORDER BY keys.k`);
  return rows.map(({ event_key }) => ({ id: event_key, title: event_key }));
}
