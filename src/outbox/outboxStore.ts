import type { SqlRunner } from '../db/preparedStatements';
import type { ContactRow } from '../contacts/contactRecord';
import type { TableNames } from '../db/tableNames';
import type { EventRow } from '../tracking/eventRecord';

/** An outbox row claimed for delivery, with what its listeners receive. */
export interface ClaimedDelivery {
  outboxId: string;
  attempt: number;
  /** The event as the occurrence left it (its counter and value). */
  event: EventRow;
  contact: ContactRow;
  /** The W3C traceparent of the call that recorded it (null when tracing was off). */
  traceContext: string | null;
}

/** Every query on fc_event_outbox, in one place (its clean-up: src/retention/pruneSql.ts). */
export class OutboxStore {
  private readonly sql: ReturnType<typeof outboxSql>;

  constructor(
    private readonly db: SqlRunner,
    tables: TableNames,
  ) {
    this.sql = outboxSql(tables);
  }

  async markDelivered(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.db.query(this.sql.markDelivered, [ids]);
  }

  /**
   * Claims undelivered rows whose lease has run out (their writer died, or never dispatched), so
   * each is delivered by exactly one process: SKIP LOCKED lets concurrent pollers take disjoint
   * rows, and the lease keeps a claimed row from being taken again while it is delivered.
   */
  async claimExpired(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows: ClaimedRow[] = await this.db.query(this.sql.claimExpired, [limit, leaseMs]);
    return rows.map(toClaimedDelivery);
  }
}

/** A claimed outbox row joined with its event, occurrence and contact, as `claimedDeliverySelect` returns it. */
export type ClaimedRow = EventRow & {
  outbox_id: string;
  attempts: number;
  item_counter: number;
  item_value: string;
  contact: ContactRow;
  trace_context: string | null;
};

export function toClaimedDelivery({ outbox_id, attempts, item_counter, item_value, contact, trace_context, ...event }: ClaimedRow): ClaimedDelivery {
  return {
    outboxId: String(outbox_id),
    attempt: attempts,
    traceContext: trace_context,
    event: { ...event, counter: item_counter, value: item_value, created_at: new Date(event.created_at), updated_at: new Date(event.updated_at) },
    contact: { ...contact, created_at: new Date(contact.created_at), updated_at: new Date(contact.updated_at) },
  };
}

/**
 * What a claim returns for the rows of CTE `claimed` (id, event_id, occurrence_id, attempts): the
 * event as that occurrence left it, and the contact. Shared by every consumer of outbox rows.
 */
export function claimedDeliverySelect(t: TableNames): string {
  return `
      SELECT e.*, c.id AS outbox_id, c.attempts, c.trace_context, o.counter AS item_counter, o.value AS item_value, to_jsonb(s) AS contact
      FROM claimed c
      JOIN ${t.events} e ON e.id = c.event_id
      JOIN ${t.occurrences} o ON o.id = c.occurrence_id
      JOIN ${t.subscribers} s ON s.id = e.subscriber_id
      ORDER BY c.id`;
}

function outboxSql(t: TableNames) {
  return {
    markDelivered: `UPDATE ${t.outbox} SET delivered_at = now() WHERE id = ANY($1::bigint[]) AND delivered_at IS NULL`,
    claimExpired: `
      WITH due AS (
        SELECT id FROM ${t.outbox}
        WHERE delivered_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
        ORDER BY id
        LIMIT $1
        FOR UPDATE SKIP LOCKED
      ),
      claimed AS (
        UPDATE ${t.outbox} b
        SET attempts = b.attempts + 1, claimed_until = now() + make_interval(secs => $2::double precision / 1000)
        FROM due WHERE b.id = due.id
        RETURNING b.id, b.event_id, b.occurrence_id, b.attempts, b.trace_context
      )
      ${claimedDeliverySelect(t)}`,
  };
}
