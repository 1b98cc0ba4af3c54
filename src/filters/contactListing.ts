import type { DataSource } from 'typeorm';
import type { ContactRow } from '../contacts/contactRecord';
import type { TableNames } from '../db/tableNames';
import type { EventRow } from '../tracking/eventRecord';

/** Test-only: runs inside a listing statement's transaction, before the statement. */
export type ListingQueryHook = (run: (sql: string) => Promise<unknown>) => Promise<void>;

/** The alias of fc_subscribers in the listing's SQL; conditions passed in are written over it. */
export const LISTING_ALIAS = 's';

/**
 * The SQL behind the filtered contact list: a page of contacts newest first with the total, and
 * the events of a whole page in one query (no query per contact).
 */
export class ContactListing {
  constructor(
    private readonly db: DataSource,
    private readonly tables: TableNames,
    private readonly testHook?: ListingQueryHook,
  ) {}

  /** `where` is a boolean expression over LISTING_ALIAS whose placeholders are `params`. */
  async page(where: string, params: unknown[], limit: number, offset: number): Promise<{ rows: ContactRow[]; total: number }> {
    const from = `FROM ${this.tables.subscribers} ${LISTING_ALIAS} WHERE ${where}`;
    const n = params.length;
    const [rows, counted] = await Promise.all([
      this.queryWithoutJit<ContactRow>(`SELECT ${LISTING_ALIAS}.* ${from} ORDER BY ${LISTING_ALIAS}.id DESC LIMIT $${n + 1} OFFSET $${n + 2}`, [
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

  /** Every event of these contacts, per contact newest id first (the order getEvents uses). */
  async eventsOf(subscriberIds: string[]): Promise<Map<string, EventRow[]>> {
    const byContact = new Map<string, EventRow[]>(subscriberIds.map((id) => [id, []]));
    if (subscriberIds.length === 0) return byContact;
    const rows: EventRow[] = await this.db.query(
      `SELECT * FROM ${this.tables.events} WHERE subscriber_id = ANY($1::bigint[]) ORDER BY subscriber_id, id DESC`,
      [subscriberIds],
    );
    for (const row of rows) byContact.get(String(row.subscriber_id))?.push(row);
    return byContact;
  }
}
