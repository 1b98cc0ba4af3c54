import type { SqlRunner } from '../db/preparedStatements';
import type { TableNames } from '../db/tableNames';
import { claimedDeliverySelect, toClaimedDelivery, type ClaimedDelivery, type ClaimedRow } from '../outbox/outboxStore';

/**
 * The relay's queries on fc_event_outbox. They touch only its own columns (relay_attempts,
 * relay_claimed_until, relayed_at), never in-process delivery's, so the two proceed independently.
 */
export class RelayStore {
  private readonly sql: { claim: string; markRelayed: string; release: string };

  constructor(
    private readonly db: SqlRunner,
    tables: TableNames,
  ) {
    const t = tables;
    this.sql = {
      // SKIP LOCKED: relays in several processes take disjoint rows; the lease keeps a claimed row
      // from being taken again while it is published, and frees it if its relay died.
      claim: `
      WITH due AS (
        SELECT id FROM ${t.outbox}
        WHERE relayed_at IS NULL AND (relay_claimed_until IS NULL OR relay_claimed_until < now())
        ORDER BY id
        LIMIT $1
        FOR UPDATE SKIP LOCKED
      ),
      claimed AS (
        UPDATE ${t.outbox} b
        SET relay_attempts = b.relay_attempts + 1, relay_claimed_until = now() + make_interval(secs => $2::double precision / 1000)
        FROM due WHERE b.id = due.id
        RETURNING b.id, b.event_id, b.occurrence_id, b.relay_attempts AS attempts, b.trace_context
      )
      ${claimedDeliverySelect(t)}`,
      markRelayed: `UPDATE ${t.outbox} SET relayed_at = now(), relay_claimed_until = NULL WHERE id = ANY($1::bigint[]) AND relayed_at IS NULL`,
      release: `UPDATE ${t.outbox} SET relay_claimed_until = NULL WHERE id = ANY($1::bigint[]) AND relayed_at IS NULL`,
    };
  }

  /** Up to `limit` unrelayed rows whose relay lease is free, oldest first; `attempt` counts this relay's claims. */
  async claim(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows: ClaimedRow[] = await this.db.query(this.sql.claim, [limit, leaseMs]);
    return rows.map(toClaimedDelivery);
  }

  /** The stream acknowledged these: never publish them again. */
  async markRelayed(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.db.query(this.sql.markRelayed, [ids]);
  }

  /** Publishing these failed: free their lease so the next pass retries them without waiting for it. */
  async release(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.db.query(this.sql.release, [ids]);
  }
}
