import type { DataSource } from 'typeorm';
import type { TableNames } from '../db/tableNames';
import type { EventRow } from './eventRecord';

export interface EventToStore {
  subscriberId: string;
  createdBy: number;
  provider: string;
  eventKey: string;
  title: string;
  value: string;
}

/** Every query on fc_event_tracking, parameterised, in one place. */
export class EventStore {
  private readonly sql: ReturnType<typeof eventSql>;

  constructor(
    private readonly db: DataSource,
    tables: TableNames,
  ) {
    this.sql = eventSql(tables.events);
  }

  /**
   * The one atomic statement behind every tracking call: insert the event, or, when the contact
   * already has this event_key + title (case-insensitively), count it and take the new value.
   * The first stored title, key, provider and created_by stay.
   */
  async upsert(event: EventToStore): Promise<EventRow> {
    const rows: EventRow[] = await this.db.query(this.sql.upsert, [
      event.subscriberId,
      event.createdBy,
      event.provider,
      event.eventKey,
      event.title,
      event.value,
    ]);
    return rows[0];
  }

  /** One page of a contact's events, newest id first, and the contact's total. */
  async page(subscriberId: string, limit: number, offset: number): Promise<{ rows: EventRow[]; total: number }> {
    const [rows, counted] = await Promise.all([
      this.db.query(this.sql.page, [subscriberId, limit, offset]) as Promise<EventRow[]>,
      this.db.query(this.sql.count, [subscriberId]) as Promise<Array<{ total: string }>>,
    ]);
    return { rows, total: Number(counted[0].total) };
  }
}

function eventSql(table: string) {
  return {
    upsert: `INSERT INTO ${table} AS e (subscriber_id, counter, created_by, provider, event_key, title, value)
             VALUES ($1, 1, $2, $3, $4, $5, $6)
             ON CONFLICT (subscriber_id, lower(event_key), lower(title)) DO UPDATE SET
               counter    = e.counter + 1,
               value      = EXCLUDED.value,
               updated_at = now()
             RETURNING *`,
    page: `SELECT * FROM ${table} WHERE subscriber_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`,
    count: `SELECT count(*) AS total FROM ${table} WHERE subscriber_id = $1`,
  };
}
