import type { SqlRunner } from '../db/preparedStatements';
import type { TableNames } from '../db/tableNames';
import { automationRunsTable } from '../automation/runsTable';

/** Rows read per statement: a contact's whole history never sits in memory at once. */
export const EXPORT_BATCH = 500;

/** What the last line of an export counts. */
export interface ExportCounts {
  contact: number;
  event: number;
  occurrence: number;
  automation_run: number;
}

/**
 * A contact's data for a data-access request, as NDJSON lines (each ending in "\n"):
 * `{"type":"contact","data":{…}}`, then `event`s, `occurrence`s and `automation_run`s, and last
 * `{"type":"end","counts":{…}}` — a stream cut short by a failure lacks that line. Rows are the
 * tables' own columns (timestamps in ISO 8601 with offset), built as JSON text by PostgreSQL.
 * Each kind is read in keyset batches of EXPORT_BATCH on an index (events by id, occurrences by
 * (occurred_at, id), runs by id), one short statement each, pulled only as fast as the client reads.
 * Not one snapshot: rows written while the export runs may or may not appear.
 * Resolves to null when there is no such contact.
 */
export async function exportContact(db: SqlRunner, tables: TableNames, id: string): Promise<AsyncGenerator<string> | null> {
  const sql = exportSql(tables);
  const contact: Array<{ doc: string }> = await db.query(sql.contact, [id]);
  if (contact.length === 0) return null;
  return lines(db, sql, id, contact[0].doc);
}

async function* lines(db: SqlRunner, sql: ReturnType<typeof exportSql>, id: string, contactDoc: string): AsyncGenerator<string> {
  const counts: ExportCounts = { contact: 1, event: 0, occurrence: 0, automation_run: 0 };
  yield `${contactDoc}\n`;
  counts.event = yield* byId(db, sql.events, id);
  let cursor: { at: string; id: string } | null = null;
  for (;;) {
    const rows: Array<{ id: string; at_us: string; doc: string }> = cursor
      ? await db.query(sql.occurrencesAfter, [id, cursor.at, cursor.id, EXPORT_BATCH])
      : await db.query(sql.occurrencesFirst, [id, EXPORT_BATCH]);
    for (const row of rows) yield `${row.doc}\n`;
    counts.occurrence += rows.length;
    if (rows.length < EXPORT_BATCH) break;
    const last = rows[rows.length - 1];
    cursor = { at: last.at_us, id: String(last.id) };
  }
  counts.automation_run = yield* byId(db, sql.runs, id);
  yield `${JSON.stringify({ type: 'end', counts })}\n`;
}

/** Lines of one statement taking (contact id, after id, limit), batch after batch; returns how many. */
async function* byId(db: SqlRunner, statement: string, id: string): AsyncGenerator<string, number> {
  let after = '0';
  let count = 0;
  for (;;) {
    const rows: Array<{ id: string; doc: string }> = await db.query(statement, [id, after, EXPORT_BATCH]);
    for (const row of rows) yield `${row.doc}\n`;
    count += rows.length;
    if (rows.length < EXPORT_BATCH) return count;
    after = String(rows[rows.length - 1].id);
  }
}

function exportSql(t: TableNames) {
  const runs = automationRunsTable(t.schema);
  const doc = (type: string, alias: string) => `json_build_object('type', '${type}', 'data', row_to_json(${alias}))::text AS doc`;
  // Microseconds since the epoch: the cursor keeps occurred_at exactly (a JavaScript Date would not).
  const atUs = `(extract(epoch FROM o.occurred_at) * 1000000)::bigint::text AS at_us`;
  const fromUs = (param: string) => `(timestamptz 'epoch' + ${param}::bigint * interval '1 microsecond')`;
  return {
    contact: `SELECT ${doc('contact', 's')} FROM ${t.subscribers} s WHERE s.id = $1`,
    events: `SELECT e.id, ${doc('event', 'e')} FROM ${t.events} e WHERE e.subscriber_id = $1 AND e.id > $2 ORDER BY e.id LIMIT $3`,
    runs: `SELECT r.id, ${doc('automation_run', 'r')} FROM ${runs} r WHERE r.subscriber_id = $1 AND r.id > $2 ORDER BY r.id LIMIT $3`,
    occurrencesFirst: `SELECT o.id, ${atUs}, ${doc('occurrence', 'o')} FROM ${t.occurrences} o
                        WHERE o.subscriber_id = $1 ORDER BY o.occurred_at, o.id LIMIT $2`,
    // occurred_at >= bound is the index condition (subscriber_id, occurred_at); the OR breaks ties by id.
    occurrencesAfter: `SELECT o.id, ${atUs}, ${doc('occurrence', 'o')} FROM ${t.occurrences} o
                        WHERE o.subscriber_id = $1 AND o.occurred_at >= ${fromUs('$2')}
                          AND (o.occurred_at > ${fromUs('$2')} OR o.id > $3)
                        ORDER BY o.occurred_at, o.id LIMIT $4`,
  };
}
