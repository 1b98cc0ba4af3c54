import type { SqlRunner } from '../db/preparedStatements';
import type { TableNames } from '../db/tableNames';
import { FcrmError } from '../errors';
import { cutToCharacters, LIMITS } from '../tracking/limits';
import { sanitizeTextField } from '../tracking/sanitize';

/** A per-key retention override: the history of `event_key` is kept `days` days (null: for ever). */
export interface RetentionRule {
  event_key: string;
  days: number | null;
  updated_at: string;
}

/** Longest retention accepted, in days (100 years): larger numbers would overflow PostgreSQL's dates. */
export const MAX_RETENTION_DAYS = 36_500;
/** Overrides listed at most (one per event key; more is a sign of keys made per contact). */
export const MAX_RULES_LISTED = 1000;

/** The event key as the tracker stores it (same sanitising and cut), so an override matches its events. */
export function normalizeRuleKey(raw: unknown): string {
  const key = typeof raw === 'string' ? cutToCharacters(sanitizeTextField(raw), LIMITS.eventKey) : '';
  if (key === '') throw new FcrmError('invalid_data', 'Invalid data provided. event_key must be a non-empty string');
  return key;
}

/** `days`: a whole number from 1 to MAX_RETENTION_DAYS, or null for "keep for ever". */
export function normalizeRuleDays(raw: unknown): number | null {
  if (raw === null) return null;
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 1 && raw <= MAX_RETENTION_DAYS) return raw;
  throw new FcrmError('invalid_data', `Invalid data provided. days must be a whole number from 1 to ${MAX_RETENTION_DAYS}, or null to keep the history for ever`);
}

/** Every query on fc_event_retention, in one place. Keys compare case-insensitively, as events do. */
export class RetentionRules {
  private readonly table: string;

  constructor(
    private readonly db: SqlRunner,
    tables: TableNames,
  ) {
    this.table = tables.eventRetention;
  }

  async list(): Promise<RetentionRule[]> {
    return this.rows(await this.db.query(`${this.select} ORDER BY lower(event_key) LIMIT ${MAX_RULES_LISTED}`));
  }

  async get(eventKey: string): Promise<RetentionRule | null> {
    return (this.rows(await this.db.query(`${this.select} WHERE lower(event_key) = lower($1)`, [normalizeRuleKey(eventKey)])))[0] ?? null;
  }

  /** Creates or replaces the override; resolves to it and whether it is new. */
  async set(eventKey: string, days: unknown): Promise<{ rule: RetentionRule; created: boolean }> {
    const rows: Array<RawRule & { created: boolean }> = await this.db.query(
      `INSERT INTO ${this.table} AS r (event_key, days) VALUES ($1, $2)
       ON CONFLICT (lower(event_key)) DO UPDATE SET days = EXCLUDED.days, updated_at = now()
       RETURNING r.event_key, r.days, r.updated_at, (xmax = 0) AS created`,
      [normalizeRuleKey(eventKey), normalizeRuleDays(days)],
    );
    return { rule: this.rows(rows)[0], created: rows[0].created };
  }

  async remove(eventKey: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`DELETE FROM ${this.table} WHERE lower(event_key) = lower($1) RETURNING 1`, [normalizeRuleKey(eventKey)]);
    return rows.length > 0;
  }

  private get select(): string {
    return `SELECT event_key, days, updated_at FROM ${this.table}`;
  }

  private rows(rows: RawRule[]): RetentionRule[] {
    return rows.map((row) => ({
      event_key: row.event_key,
      days: row.days === null ? null : Number(row.days),
      updated_at: new Date(row.updated_at).toISOString(),
    }));
  }
}

interface RawRule {
  event_key: string;
  days: number | string | null;
  updated_at: Date | string;
}
