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
    const ranked: Array<EventRow & { page_total: string; seq: string | null }> = await this.db.query(this.sql.rankedPage, [subscriberId, limit, offset]);
    if (ranked.length === 0) return null;
    const total = Number(ranked[0].page_total);
    const rows = ranked.filter((row) => row.seq !== null).map(({ page_total: _total, seq: _seq, ...row }) => row as EventRow);
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

/** Exported for the GET benchmark's EXPLAIN of the exact statements the store runs. */
export function eventSql(tables: TableNames) {
  const table = tables.events;
  return {
    eventOf: `SELECT 1 FROM ${table} WHERE id = $1 AND subscriber_id = $2`,
    occurrences: `SELECT * FROM ${tables.occurrences} WHERE event_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
    countOccurrences: `SELECT count(*) AS total FROM ${tables.occurrences} WHERE event_id = $1`,
    // Page N is seq (total − offset − limit, total − offset]; one row with null seq when past the
    // end or without events; no row when there is no such contact.
    rankedPage: `
      SELECT coalesce(t.events, 0) AS page_total, p.*
      FROM ${tables.subscribers} s
      LEFT JOIN ${tables.eventTotals} t ON t.subscriber_id = s.id
      LEFT JOIN LATERAL (
        SELECT e.*, r.seq FROM ${tables.eventRanks} r JOIN ${table} e ON e.id = r.event_id
        WHERE r.subscriber_id = s.id AND r.seq <= t.events - $3::bigint AND r.seq > t.events - $3::bigint - $2::bigint
      ) p ON true
      WHERE s.id = $1
      ORDER BY p.seq DESC`,
    page: `SELECT * FROM ${table} WHERE subscriber_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
    count: `SELECT count(*) AS total FROM ${table} WHERE subscriber_id = $1`,
  };
}
