import type { DataSource } from 'typeorm';
import type { DefinitionTables } from './definitionTables';
import type { DefinitionMode, Violation } from './definitionsSnapshot';

/** At most this many definitions exist at once (each is compiled and held by every process). */
export const MAX_DEFINITIONS = 500;
/** Violations kept per key (newest first); older ones are counted, not kept. */
export const KEPT_VIOLATIONS = 50;

export interface DefinitionRow {
  id: string;
  event_key: string;
  mode: DefinitionMode;
  schema_json: string;
  /** The properties (dot paths) this key's indexes hold (docs/event-properties.md). */
  indexed_properties: string[];
  violations: string;
  last_violation_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface ViolationRow {
  id: string;
  event_id: string | null;
  subscriber_id: string | null;
  errors: Array<{ path: string; message: string }>;
  created_at: Date;
}

/** A stored event's violation, for the record. */
export interface RecordedViolation extends Violation {
  eventId: string | number;
  subscriberId: string | number;
}

/** What every process loads of each definition. */
export type LoadedRow = Pick<DefinitionRow, 'event_key' | 'mode' | 'schema_json' | 'indexed_properties'>;

/** The definitions' SQL, parameterised, in one place. Changes increment the version counter in the same transaction. */
export class DefinitionStore {
  constructor(
    private readonly db: DataSource,
    private readonly t: DefinitionTables,
  ) {}

  /** The version counter: one indexed row, the cache's whole freshness check. */
  async version(): Promise<bigint> {
    const rows: Array<{ version: string }> = await this.db.query(`SELECT version::text AS version FROM ${this.t.version} WHERE id = 1`);
    return BigInt(rows[0]?.version ?? '0');
  }

  /** Every definition and the version they belong to, read in one statement (one snapshot). */
  async loadAll(): Promise<{ version: bigint; rows: LoadedRow[] }> {
    const rows: Array<{ version: string; event_key: string | null; mode: DefinitionMode; schema_json: string; indexed_properties: string[] }> = await this.db.query(
      `SELECT v.version::text AS version, d.event_key, d.mode, d.schema_json, d.indexed_properties
         FROM ${this.t.version} v LEFT JOIN ${this.t.definitions} d ON true
        WHERE v.id = 1
        ORDER BY d.id`,
    );
    return {
      version: BigInt(rows[0]?.version ?? '0'),
      rows: rows.filter((row) => row.event_key !== null) as LoadedRow[],
    };
  }

  /**
   * Creates or replaces the key's definition (its first spelling, its counter and its violations
   * stay). Refused when MAX_DEFINITIONS exist already and this key is not one of them, or when the
   * other keys index so many properties that these would pass `maxIndexed`. Changes take the
   * version row's lock first, so two at the same moment cannot both pass a limit.
   */
  async put(
    eventKey: string,
    mode: DefinitionMode,
    schemaJson: string,
    indexed: readonly string[],
    maxIndexed: number,
  ): Promise<{ row: DefinitionRow; created: boolean } | 'too_many_definitions' | 'too_many_indexed'> {
    return this.db.transaction(async (manager) => {
      await manager.query(`SELECT 1 FROM ${this.t.version} WHERE id = 1 FOR UPDATE`);
      if (indexed.length > 0) {
        const [{ n }]: Array<{ n: number }> = await manager.query(
          `SELECT coalesce(sum(jsonb_array_length(indexed_properties)), 0)::int AS n FROM ${this.t.definitions} WHERE lower(event_key) <> lower($1)`,
          [eventKey],
        );
        if (n + indexed.length > maxIndexed) return 'too_many_indexed';
      }
      const rows: Array<DefinitionRow & { created: boolean }> = await manager.query(
        `INSERT INTO ${this.t.definitions} AS d (event_key, mode, schema_json, indexed_properties)
         SELECT $1::text, $2::text, $3::text, $5::jsonb
          WHERE (SELECT count(*) FROM ${this.t.definitions}) < $4::bigint
             OR EXISTS (SELECT 1 FROM ${this.t.definitions} WHERE lower(event_key) = lower($1::text))
         ON CONFLICT (lower(event_key)) DO UPDATE SET mode = EXCLUDED.mode, schema_json = EXCLUDED.schema_json,
            indexed_properties = EXCLUDED.indexed_properties, updated_at = now()
         RETURNING d.*, (xmax = 0) AS created`,
        [eventKey, mode, schemaJson, MAX_DEFINITIONS, JSON.stringify(indexed)],
      );
      if (rows.length === 0) return 'too_many_definitions';
      await manager.query(`UPDATE ${this.t.version} SET version = version + 1 WHERE id = 1`);
      const { created, ...row } = rows[0];
      return { row, created };
    });
  }

  /** Removes the key's definition and its recorded violations; false when there was none. */
  async delete(eventKey: string): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const [, deleted]: [unknown, number] = await manager.query(`DELETE FROM ${this.t.definitions} WHERE lower(event_key) = lower($1)`, [eventKey]);
      if (deleted === 0) return false;
      await manager.query(`DELETE FROM ${this.t.violations} WHERE lower(event_key) = lower($1)`, [eventKey]);
      await manager.query(`UPDATE ${this.t.version} SET version = version + 1 WHERE id = 1`);
      return true;
    });
  }

  async get(eventKey: string): Promise<{ row: DefinitionRow; recent: ViolationRow[] } | null> {
    const rows: DefinitionRow[] = await this.db.query(`SELECT * FROM ${this.t.definitions} WHERE lower(event_key) = lower($1)`, [eventKey]);
    if (rows.length === 0) return null;
    const recent: ViolationRow[] = await this.db.query(
      `SELECT id, event_id, subscriber_id, errors, created_at FROM ${this.t.violations}
        WHERE lower(event_key) = lower($1) ORDER BY lower(event_key) DESC, id DESC LIMIT $2`,
      [eventKey, KEPT_VIOLATIONS],
    );
    return { row: rows[0], recent };
  }

  /** A page of definitions in key order, and how many there are. */
  async page(limit: number, offset: number): Promise<{ rows: DefinitionRow[]; total: number }> {
    const [rows, counted] = await Promise.all([
      this.db.query(`SELECT * FROM ${this.t.definitions} ORDER BY lower(event_key), id LIMIT $1 OFFSET $2`, [limit, offset]) as Promise<DefinitionRow[]>,
      this.db.query(`SELECT count(*)::int AS total FROM ${this.t.definitions}`) as Promise<Array<{ total: number }>>,
    ]);
    return { rows, total: counted[0].total };
  }

  /**
   * Records a batch's violations in one statement: counts them on their definitions and keeps the
   * newest KEPT_VIOLATIONS per key (at most that many of this batch, and of the ones before it; the
   * statement sees the table as it was, so a key holds at most twice KEPT_VIOLATIONS rows at once).
   */
  async recordViolations(violations: readonly RecordedViolation[]): Promise<void> {
    if (violations.length === 0) return;
    await this.db.query(
      `WITH input AS (
         SELECT i.event_key, i.event_id, i.subscriber_id, i.errors, i.ord,
                row_number() OVER (PARTITION BY lower(i.event_key) ORDER BY i.ord DESC) AS newest
           FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[]) WITH ORDINALITY AS i(event_key, event_id, subscriber_id, errors, ord)
       ),
       added AS (
         INSERT INTO ${this.t.violations} (event_key, event_id, subscriber_id, errors)
         SELECT event_key, event_id, subscriber_id, errors::jsonb FROM input WHERE newest <= $5 ORDER BY ord
       ),
       counted AS (
         UPDATE ${this.t.definitions} d SET violations = d.violations + c.n, last_violation_at = now()
           FROM (SELECT lower(event_key) AS k, count(*) AS n FROM input GROUP BY 1) c
          WHERE lower(d.event_key) = c.k
       )
       DELETE FROM ${this.t.violations} v
        USING (SELECT DISTINCT lower(event_key) AS k FROM input) keys
        WHERE lower(v.event_key) = keys.k
          AND v.id < (SELECT o.id FROM ${this.t.violations} o WHERE lower(o.event_key) = keys.k
                       ORDER BY lower(o.event_key) DESC, o.id DESC OFFSET $5 - 1 LIMIT 1)`,
      [
        violations.map((v) => v.eventKey),
        violations.map((v) => String(v.eventId)),
        violations.map((v) => String(v.subscriberId)),
        violations.map((v) => JSON.stringify(v.errors)),
        KEPT_VIOLATIONS,
      ],
    );
  }
}
