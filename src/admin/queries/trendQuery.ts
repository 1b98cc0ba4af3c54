import type { SqlRunner } from '../../db/preparedStatements';
import type { TableNames } from '../../db/tableNames';

export const TREND_WINDOWS = [30, 90] as const;
export type TrendWindow = (typeof TREND_WINDOWS)[number];

export interface EventTrend {
  key: string;
  days: TrendWindow;
  /** One entry per calendar day (in the server's time zone), oldest first, zeros included. */
  perDay: Array<{ day: string; count: number }>;
  /** Contacts with at least one event of the key. */
  contacts: number;
  /** The key's titles by occurrences (the sum of counters), most first. */
  topTitles: Array<{ title: string; contacts: number; occurrences: number }>;
}

const TOP_TITLES = 10;

/**
 * One event key's trend: occurrences per day over the last 30 or 90 days, how many contacts have
 * the key and its top titles. The key's event rows come from (lower(event_key), subscriber_id);
 * each row's occurrences in the window from (event_id, occurred_at) — index ranges, no scan of the
 * history outside the window.
 */
export class TrendQuery {
  private readonly sql: ReturnType<typeof trendSql>;

  constructor(
    private readonly db: SqlRunner,
    tables: TableNames,
    private readonly timeZone: string,
  ) {
    this.sql = trendSql(tables);
  }

  async trend(key: string, days: TrendWindow, now = new Date()): Promise<EventTrend> {
    const [perDay, contacts, titles] = await Promise.all([
      this.db.query(this.sql.perDay, [key, this.timeZone, days, now]) as Promise<Array<{ day: string; n: string }>>,
      this.db.query(this.sql.contacts, [key]) as Promise<Array<{ n: string }>>,
      this.db.query(this.sql.titles, [key, TOP_TITLES]) as Promise<Array<{ title: string; contacts: string; occurrences: string }>>,
    ]);
    const counts = new Map(perDay.map((row) => [row.day, Number(row.n)]));
    return {
      key,
      days,
      perDay: calendarDays(now, this.timeZone, days).map((day) => ({ day, count: counts.get(day) ?? 0 })),
      contacts: Number(contacts[0]?.n ?? 0),
      topTitles: titles.map((row) => ({ title: row.title, contacts: Number(row.contacts), occurrences: Number(row.occurrences) })),
    };
  }
}

/** The last `days` calendar dates (YYYY-MM-DD) in the zone, oldest first, ending today. */
export function calendarDays(now: Date, timeZone: string, days: number): string[] {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const [y, m, d] = today.split('-').map(Number);
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i -= 1) out.push(new Date(Date.UTC(y, m - 1, d - i)).toISOString().slice(0, 10));
  return out;
}

/** Exported for the EXPLAIN test and the bench. */
export function trendSql(t: TableNames) {
  return {
    // The window starts at local midnight `days - 1` days before today ($4 = now, from the caller).
    // Grouped by the truncated local time and formatted per day, not per row (to_char on every
    // occurrence cost more than the join).
    perDay: `
      SELECT to_char(d, 'YYYY-MM-DD') AS day, n FROM (
        SELECT date_trunc('day', o.occurred_at AT TIME ZONE $2) AS d, count(*) AS n
          FROM ${t.events} e
          JOIN ${t.occurrences} o
            ON o.event_id = e.id
           AND o.occurred_at >= (date_trunc('day', $4::timestamptz AT TIME ZONE $2) - ($3::int - 1) * interval '1 day') AT TIME ZONE $2
           AND o.occurred_at <= $4::timestamptz
         WHERE lower(e.event_key) = lower($1)
         GROUP BY 1) days`,
    contacts: `SELECT count(DISTINCT subscriber_id) AS n FROM ${t.events} WHERE lower(event_key) = lower($1)`,
    titles: `
      SELECT title, count(DISTINCT subscriber_id) AS contacts, sum(counter) AS occurrences
        FROM ${t.events}
       WHERE lower(event_key) = lower($1)
       GROUP BY title
       ORDER BY sum(counter) DESC, title
       LIMIT $2`,
  };
}
