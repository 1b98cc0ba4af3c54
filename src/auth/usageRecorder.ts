import type { DataSource } from 'typeorm';

const INTERVAL_MS = 60_000;

/**
 * Keeps `last_used_at` roughly current without a write per request: at most one UPDATE per
 * credential per minute from this process (and the WHERE clause skips it when another process
 * did it recently). The write is fire-and-forget: a failure must never fail the request it
 * came with, so it is swallowed; `idle()` lets a closing host wait for the writes in flight.
 */
export class UsageRecorder {
  private readonly lastWrite = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();
  private readonly sql: string;

  constructor(
    private readonly db: DataSource,
    table: string,
    private readonly now: () => number = Date.now,
  ) {
    this.sql = `UPDATE ${table} SET last_used_at = now()
                 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`;
  }

  record(credentialId: string): void {
    const now = this.now();
    const last = this.lastWrite.get(credentialId);
    if (last !== undefined && now - last < INTERVAL_MS) return;
    this.lastWrite.set(credentialId, now);
    const write: Promise<void> = this.db.query(this.sql, [credentialId]).then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  forget(credentialId: string): void {
    this.lastWrite.delete(credentialId);
  }

  async idle(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
