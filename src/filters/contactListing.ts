import type { DataSource } from 'typeorm';
import type { ContactRow } from '../contacts/contactRecord';
import type { TableNames } from '../db/tableNames';
import type { EventRow } from '../tracking/eventRecord';

/** Test-only: runs inside a listing statement's transaction, before the statement. */
export type ListingQueryHook = (run: (sql: string) => Promise<unknown>) => Promise<void>;

/** The alias of fc_subscribers in the listing's SQL; conditions passed in are written over it. */
export const LISTING_ALIAS = 's';

/**
 * The SQL behind the filtered contact list: a page of contacts in the asked order with the total, and
 * the events of a whole page in one query (no query per contact).
 */
export class ContactListing {
  constructor(
    private readonly db: DataSource,
    private readonly tables: TableNames,
    private readonly testHook?: ListingQueryHook,
  ) {}

  /**
   * `where` is a boolean expression over LISTING_ALIAS whose placeholders are `params`; `orderBy`
   * comes from contactOrderBy (whitelisted expressions, never caller text).
   */
  async page(where: string, params: unknown[], orderBy: string, limit: number, offset: number): Promise<{ rows: ContactRow[]; total: number }> {
    const from = `FROM ${this.tables.subscribers} ${LISTING_ALIAS} WHERE ${where}`;
    const n = params.length;
    const [rows, counted] = await Promise.all([
      this.queryWithoutJit<ContactRow>(`SELECT ${LISTING_ALIAS}.* ${from} ORDER BY ${orderBy} LIMIT $${n + 1} OFFSET $${n + 2}`, [
        ...params,
        limit,
        offset,
      ]),
      this.queryWithoutJit<{ total: string }>(`SELECT count(*) AS total ${from}`, params),
    ]);
    return { rows, total: Number(counted[0].total) };
  }

  /**
   * Under OR, PostgreSQL keeps both a hashed and a per-contact plan for each EXISTS and costs the
   * query by the per-contact one, so ORed groups over 100,000 contacts look a million times dearer
   * than they run and cross jit_above_cost: compiling the JIT code then took longer (~250 ms) than
   * the query itself (~100 ms). These queries gain nothing from JIT, so it is off for them alone.
   */
  private queryWithoutJit<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.db.transaction(async (manager) => {
      await manager.query('SET LOCAL jit = off');
      if (this.testHook) await this.testHook((text) => manager.query(text));
      return manager.query(sql, params) as Promise<T[]>;
    });
  }

  /**
   * The latest `limit` events of each of these contacts, newest id first (the order of the
   * tracking-events route), and each contact's total, in one statement for the whole page. The
   * newest rows come from fc_event_ranks (a `seq` range of its primary key, as the tracking-events
   * page reads them) and the total from fc_event_totals, so a contact with 100,000 events costs what
   * one with 15 does: no scan of its rows, no unbounded answer.
   */
  async latestEventsOf(subscriberIds: string[], limit: number): Promise<Map<string, { rows: EventRow[]; total: number }>> {
    const byContact = new Map<string, { rows: EventRow[]; total: number }>(subscriberIds.map((id) => [id, { rows: [], total: 0 }]));
    if (subscriberIds.length === 0) return byContact;
    const rows: Array<EventRow & { contact_id: string; events_total: string }> = await this.db.query(
      `SELECT c.id AS contact_id, coalesce(t.events, 0) AS events_total, e.*
         FROM unnest($1::bigint[]) AS c(id)
         LEFT JOIN ${this.tables.eventTotals} t ON t.subscriber_id = c.id
         LEFT JOIN LATERAL (
           SELECT ev.* FROM ${this.tables.eventRanks} r JOIN ${this.tables.events} ev ON ev.id = r.event_id
            WHERE r.subscriber_id = c.id
            ORDER BY r.seq DESC
            LIMIT $2
         ) e ON true
        ORDER BY c.id, e.id DESC`,
      [subscriberIds, limit],
    );
    for (const { contact_id, events_total, ...row } of rows) {
      const entry = byContact.get(String(contact_id));
      if (!entry) continue;
      entry.total = Number(events_total);
      if (row.id !== null) entry.rows.push(row);
    }
    return byContact;
  }
}
