import type { SqlRunner } from '../../db/preparedStatements';
import type { TableNames } from '../../db/tableNames';

/** One occurrence of a contact's history, with the key and title of its event. */
export interface TimelineEntry {
  id: string;
  /** Microseconds since the epoch, as text: exact, so the keyset cursor never skips a row. */
  occurred_us: string;
  occurred_at: Date;
  value: string;
  counter: number;
  provider: string;
  event_key: string;
  title: string;
}

/** Where the next page starts: the last row's (occurred_at, id), newest first. */
export interface TimelineCursor {
  occurredMicros: string;
  id: string;
}

// The first page starts after the largest possible cursor, so one statement serves every page.
const FIRST: TimelineCursor = { occurredMicros: '253402300799999999', id: '9223372036854775807' }; // 9999-12-31

/** Parses `before=MICROS.ID` from a URL; anything else is the first page. */
export function parseTimelineCursor(text: unknown): TimelineCursor | null {
  if (typeof text !== 'string') return null;
  const match = /^(\d{1,18})\.(\d{1,19})$/.exec(text);
  if (!match || BigInt(match[1]) > BigInt(FIRST.occurredMicros) || BigInt(match[2]) > BigInt(FIRST.id)) return null;
  return { occurredMicros: match[1], id: match[2] };
}

export function formatTimelineCursor(entry: Pick<TimelineEntry, 'occurred_us' | 'id'>): string {
  return `${entry.occurred_us}.${entry.id}`;
}


/**
 * A contact's occurrence history, newest first (occurred_at, then id), paged by keyset: a page
 * reads `limit` index entries however deep it is. Without a key: the (subscriber_id, occurred_at)
 * index read backwards. With a key: the contact's event rows of that key (lower(event_key),
 * subscriber_id), each one's newest `limit` occurrences through (event_id, occurred_at), merged.
 */
export class TimelineQuery {
  private readonly sql: ReturnType<typeof timelineSql>;

  constructor(
    private readonly db: SqlRunner,
    tables: TableNames,
  ) {
    this.sql = timelineSql(tables);
  }

  async page(subscriberId: string, options: { key?: string; before?: TimelineCursor | null; limit: number }): Promise<TimelineEntry[]> {
    const cursor = options.before ?? FIRST;
    const rows: TimelineEntry[] = options.key
      ? await this.db.query(this.sql.byKey, [subscriberId, options.key, cursor.occurredMicros, cursor.id, options.limit])
      : await this.db.query(this.sql.all, [subscriberId, cursor.occurredMicros, cursor.id, options.limit]);
    return rows.map((row) => ({ ...row, id: String(row.id), counter: Number(row.counter), occurred_at: new Date(row.occurred_at) }));
  }

  /** How many times the contact tracked events (the key's, when given): the sum of the event rows' counters. */
  async total(subscriberId: string, key?: string): Promise<number> {
    const rows: Array<{ total: string | null }> = await this.db.query(this.sql.total, [subscriberId, key ?? null]);
    return Number(rows[0]?.total ?? 0);
  }
}

/** Exported for the EXPLAIN test and the bench. */
export function timelineSql(t: TableNames) {
  const columns = `o.id, o.occurred_at, (extract(epoch FROM o.occurred_at) * 1000000)::bigint::text AS occurred_us,
                   o.value, o.counter, o.provider`;
  // 'epoch' + N µs is exact; to_timestamp() would round through a double.
  const bound = (micros: string) => `('epoch'::timestamptz + ${micros}::bigint * interval '1 microsecond')`;
  return {
    all: `
      SELECT ${columns}, e.event_key, e.title
        FROM ${t.occurrences} o JOIN ${t.events} e ON e.id = o.event_id
       WHERE o.subscriber_id = $1
         AND o.occurred_at <= ${bound('$2')} AND (o.occurred_at, o.id) < (${bound('$2')}, $3::bigint)
       ORDER BY o.occurred_at DESC, o.id DESC
       LIMIT $4`,
    byKey: `
      SELECT o.*, e.event_key, e.title
        FROM ${t.events} e
        CROSS JOIN LATERAL (
          SELECT ${columns}
            FROM ${t.occurrences} o
           WHERE o.event_id = e.id
             AND o.occurred_at <= ${bound('$3')} AND (o.occurred_at, o.id) < (${bound('$3')}, $4::bigint)
           ORDER BY o.occurred_at DESC, o.id DESC
           LIMIT $5) o
       WHERE lower(e.event_key) = lower($2) AND e.subscriber_id = $1
       ORDER BY o.occurred_at DESC, o.id DESC
       LIMIT $5`,
    total: `SELECT sum(counter) AS total FROM ${t.events}
             WHERE subscriber_id = $1 AND ($2::text IS NULL OR lower(event_key) = lower($2::text))`,
  };
}
