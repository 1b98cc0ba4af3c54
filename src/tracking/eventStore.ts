import { epochMsSql } from '../db/jsonTime';
import type { SqlRunner } from '../db/preparedStatements';
import type { TableNames } from '../db/tableNames';
import type { EventRow, OccurrenceRow } from './eventRecord';

/** The reading queries on fc_event_tracking and its history, parameterised, in one place (writes: EventWriter). */
export class EventStore {
  private readonly sql: ReturnType<typeof eventSql>;

  constructor(
    private readonly db: SqlRunner,
    tables: TableNames,
  ) {
    this.sql = eventSql(tables);
  }

  /**
   * One page of a contact's events, newest first, and the contact's total — or null when there is no
   * such contact. One statement: the contact, its fc_event_totals row and a `seq` range of
   * fc_event_ranks, indexed reads however deep the page (see the AddEventTotalsAndRanks migration).
   * Should the ranks ever not match the page they promise (tables edited by hand), it answers by
   * counting and OFFSET instead, which is exact but slow on big contacts.
   */
  async page(subscriberId: string, limit: number, offset: number): Promise<{ rows: EventRow[]; total: number } | null> {
    const found: PageJson[] = await this.db.query(this.sql.rankedPage, [subscriberId, limit, offset]);
    if (found.length === 0) return null;
    const total = Number(found[0].page_total);
    const rows = found[0].page_rows.map(fromPageJson);
    if (rows.length === Math.max(0, Math.min(limit, total - offset))) return { rows, total };
    return this.countedPage(subscriberId, limit, offset);
  }

  private async countedPage(subscriberId: string, limit: number, offset: number): Promise<{ rows: EventRow[]; total: number }> {
    const [rows, counted] = await Promise.all([
      this.db.query(this.sql.page, [subscriberId, limit, offset]) as Promise<EventRow[]>,
      this.db.query(this.sql.count, [subscriberId]) as Promise<Array<{ total: string }>>,
    ]);
    return { rows, total: Number(counted[0].total) };
  }

  /** One page of an event's occurrences (history), newest first, or null when the contact has no such event. */
  async occurrencesPage(
    subscriberId: string,
    eventId: string,
    limit: number,
    offset: number,
  ): Promise<{ rows: OccurrenceRow[]; total: number } | null> {
    const owner: unknown[] = await this.db.query(this.sql.eventOf, [eventId, subscriberId]);
    if (owner.length === 0) return null;
    const [rows, counted] = await Promise.all([
      this.db.query(this.sql.occurrences, [eventId, limit, offset]) as Promise<OccurrenceRow[]>,
      this.db.query(this.sql.countOccurrences, [eventId]) as Promise<Array<{ total: string }>>,
    ]);
    return { rows, total: Number(counted[0].total) };
  }
}

/** The ranked page as the statement returns it: JSON numbers, timestamps in epoch milliseconds (jsonTime.ts). */
interface PageJson {
  page_total: string;
  page_rows: Array<Omit<EventRow, 'created_at' | 'updated_at'> & { created_at: number; updated_at: number }>;
}

function fromPageJson(row: PageJson['page_rows'][number]): EventRow {
  return { ...row, created_at: new Date(row.created_at), updated_at: new Date(row.updated_at) };
}

/** Exported for the GET benchmark's EXPLAIN of the exact statements the store runs. */
export function eventSql(tables: TableNames) {
  const table = tables.events;
  return {
    eventOf: `SELECT 1 FROM ${table} WHERE id = $1 AND subscriber_id = $2`,
    occurrences: `SELECT * FROM ${tables.occurrences} WHERE event_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
    countOccurrences: `SELECT count(*) AS total FROM ${tables.occurrences} WHERE event_id = $1`,
    // Page N is seq (total − offset − limit, total − offset], newest first, as one JSON array (empty
    // past the end or without events); no row at all when there is no such contact. One value instead
    // of a row per event: pg parses one field, not ten per row with a Date each (BENCHMARKS.md).
    rankedPage: `
      SELECT coalesce(t.events, 0) AS page_total, (
        SELECT coalesce(json_agg(json_build_object(
                 'id', e.id, 'subscriber_id', e.subscriber_id, 'counter', e.counter, 'created_by', e.created_by,
                 'provider', e.provider, 'event_key', e.event_key, 'title', e.title, 'value', e.value,
                 'created_at', ${epochMsSql('e.created_at')}, 'updated_at', ${epochMsSql('e.updated_at')}) ORDER BY r.seq DESC), '[]')
        FROM ${tables.eventRanks} r JOIN ${table} e ON e.id = r.event_id
        WHERE r.subscriber_id = s.id AND r.seq <= t.events - $3::bigint AND r.seq > t.events - $3::bigint - $2::bigint
      ) AS page_rows
      FROM ${tables.subscribers} s
      LEFT JOIN ${tables.eventTotals} t ON t.subscriber_id = s.id
      WHERE s.id = $1`,
    page: `SELECT * FROM ${table} WHERE subscriber_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
    count: `SELECT count(*) AS total FROM ${table} WHERE subscriber_id = $1`,
  };
}
