import type { DataSource } from 'typeorm';
import type { TableNames } from '../db/tableNames';
import type { EventRow, OccurrenceRow } from './eventRecord';

/** The reading queries on fc_event_tracking and its history, parameterised, in one place (writes: EventWriter). */
export class EventStore {
  private readonly sql: ReturnType<typeof eventSql>;

  constructor(
    private readonly db: DataSource,
    tables: TableNames,
  ) {
    this.sql = eventSql(tables);
  }

  /** One page of a contact's events, newest id first, and the contact's total. */
  async page(subscriberId: string, limit: number, offset: number): Promise<{ rows: EventRow[]; total: number }> {
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

function eventSql(tables: TableNames) {
  const table = tables.events;
  return {
    eventOf: `SELECT 1 FROM ${table} WHERE id = $1 AND subscriber_id = $2`,
    occurrences: `SELECT * FROM ${tables.occurrences} WHERE event_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
    countOccurrences: `SELECT count(*) AS total FROM ${tables.occurrences} WHERE event_id = $1`,
    page: `SELECT * FROM ${table} WHERE subscriber_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
    count: `SELECT count(*) AS total FROM ${table} WHERE subscriber_id = $1`,
  };
}
