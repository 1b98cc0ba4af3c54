import type { DataSource } from 'typeorm';
import { sqlRunner, type SqlRunner } from '../db/preparedStatements';
import { FcrmError } from '../errors';
import { generatePassword, withoutSpaces } from './applicationPassword';
import { capabilitiesFor, isCapability, type Capability } from './capabilities';
import { isValidCredentialName, normalizeCredentialInput, type CreateCredentialInput } from './credentialInput';
import { credentialsTable } from './credentialsTable';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './passwordHash';
import type { Principal } from './principal';
import { UsageRecorder } from './usageRecorder';
import { VerificationCache, type CachedVerification } from './verificationCache';

export type { Principal };

export interface CredentialStoreOptions {
  /**
   * How long a successful verification is remembered (default 60 s; 0 turns the cache off). The
   * cache saves the slow hash only: every request still reads the credential's row, so revocations
   * and capability changes apply at once.
   */
  cacheTtlMs?: number;
  /** At most this many remembered verifications (default 1000). */
  cacheMaxEntries?: number;
  /** The slow hash check; replaceable so tests can count calls instead of timing them. */
  verifyHash?: (password: string, encoded: string) => Promise<boolean>;
}

/** A new credential. The password exists only in this value: show it once, it cannot be recovered. */
export interface CreatedCredential {
  name: string;
  password: string;
  capabilities: Capability[];
  userId: number | null;
}

/** A credential as listed: never its hash. */
export interface CredentialSummary {
  name: string;
  capabilities: Capability[];
  userId: number | null;
  created_at: Date;
  last_used_at: Date | null;
}

export const ADMINISTRATOR_NAME = 'admin';

/**
 * How one request's verification may spend a password hash: the REST server reserves a failed-auth
 * attempt in `admit` and queues the work in `run` (see rest/authentication.ts).
 */
export interface HashGate {
  /** Called once when the answer is not in the cache (also when joining a verification already running), before any work; false refuses: verify answers null without hashing. */
  admit(): boolean;
  /** Runs the hash; may reject (e.g. a full queue), and verify rejects with that error. */
  run<T>(hash: () => Promise<T>): Promise<T>;
}

const OPEN_GATE: HashGate = { admit: () => true, run: (hash) => hash() };

interface CredentialRow {
  id: string;
  name: string;
  password_hash: string;
  capabilities: string[];
  user_id: string | null;
  created_at: Date;
  last_used_at: Date | null;
}

/**
 * Application passwords (WordPress style) in fc_api_credentials: create, verify, list, revoke.
 * Only a slow scrypt hash of each password is stored; successful verifications are cached briefly
 * (see VerificationCache) so the hash does not cap request throughput.
 */
export class CredentialStore {
  private readonly sql: ReturnType<typeof credentialSql>;
  private readonly cache: VerificationCache;
  private readonly usage: UsageRecorder;
  private readonly verifyHash: (password: string, encoded: string) => Promise<boolean>;
  /**
   * The per-request freshness read, straight on pg's pool (TypeORM's query() costs a query runner per
   * call). Unnamed: a named prepared statement measured no faster for this one-row primary-key read.
   */
  private readonly fresh: SqlRunner;
  /** Concurrent requests with the same credentials share one slow verification. */
  private readonly verifying = new Map<string, Promise<Principal | null>>();
  /** Bumped by every revoke: a verification that started before it must not fill the cache. */
  private revocations = 0;

  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
    options: CredentialStoreOptions = {},
  ) {
    const table = credentialsTable(schema);
    this.sql = credentialSql(table);
    this.cache = new VerificationCache(options.cacheTtlMs ?? 60_000, options.cacheMaxEntries ?? 1000);
    this.usage = new UsageRecorder(db, table);
    this.verifyHash = options.verifyHash ?? verifyPassword;
    this.fresh = sqlRunner(db, false);
  }

  /** Throws FcrmError `invalid_data` for a bad name, capability or user id, `credential_exists` for a taken name. */
  async create(input: CreateCredentialInput): Promise<CreatedCredential> {
    const { name, capabilities, userId } = normalizeCredentialInput(input);
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    const rows: unknown[] = await this.db.query(this.sql.insert, [name, passwordHash, capabilities, userId]);
    if (rows.length === 0) {
      throw new FcrmError(
        'credential_exists',
        `A credential named "${name}" already exists. Choose another name, or revoke the existing one first.`,
      );
    }
    return { name, password, capabilities, userId };
  }

  /**
   * The principal for these credentials, or null: unknown name, wrong password, malformed input alike.
   * `gate` decides whether (and how) a hash may be computed when the cache cannot answer.
   */
  async verify(name: string, password: string, gate: HashGate = OPEN_GATE): Promise<Principal | null> {
    if (typeof name !== 'string' || typeof password !== 'string') return null;
    const given = withoutSpaces(password);
    if (!isValidCredentialName(name)) {
      if (!gate.admit()) return null;
      await gate.run(() => this.verifyHash(given, DUMMY_PASSWORD_HASH)); // no such name can exist; answer as slowly as for one
      return null;
    }
    const key = this.cache.key(name, given);
    const cached = this.cache.get(key);
    if (cached) {
      const current = await this.stillValid(key, cached);
      if (current) {
        this.usage.record(cached.credentialId);
        return current;
      }
    }
    if (!gate.admit()) return null;
    let shared = this.verifying.get(key);
    if (!shared) {
      shared = this.verifySlowly(name, given, key, gate).finally(() => this.verifying.delete(key));
      this.verifying.set(key, shared);
    }
    const principal = await shared;
    return principal && copy(principal);
  }

  async count(): Promise<number> {
    const rows: Array<{ n: number }> = await this.db.query(this.sql.count);
    return rows[0].n;
  }

  async list(): Promise<CredentialSummary[]> {
    const rows: CredentialRow[] = await this.db.query(this.sql.list);
    return rows.map((row) => ({
      name: row.name,
      capabilities: knownCapabilities(row.capabilities),
      userId: toUserId(row.user_id),
      created_at: row.created_at,
      last_used_at: row.last_used_at,
    }));
  }

  /** True when a credential was removed; its cached verifications go with it (in this process). */
  async revoke(name: string): Promise<boolean> {
    if (typeof name !== 'string') return false;
    const [rows] = (await this.db.query(this.sql.delete, [name])) as [Array<{ id: string; name: string }>, number];
    this.revocations += 1;
    for (const row of rows) {
      this.cache.forgetName(row.name);
      this.usage.forget(row.id);
    }
    return rows.length > 0;
  }

  /**
   * On a database without any credential, creates `admin` with manage capabilities and returns its
   * password (for the server to print once); otherwise null. Two processes starting at once are
   * serialised by an advisory lock held for the transaction, so exactly one of them creates it.
   */
  async ensureAdministrator(): Promise<{ name: string; password: string } | null> {
    if ((await this.count()) > 0) return null; // the usual start-up: no lock, no hashing
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    return this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('fcrm-event-tracking:credentials:' || $1))`, [this.schema]);
      const [{ n }]: Array<{ n: number }> = await manager.query(this.sql.count);
      if (n > 0) return null;
      await manager.query(this.sql.insert, [ADMINISTRATOR_NAME, passwordHash, capabilitiesFor('manage'), null]);
      return { name: ADMINISTRATOR_NAME, password };
    });
  }

  /** Resolves when the `last_used_at` writes started so far have finished; call before closing the database. */
  idle(): Promise<void> {
    return this.usage.idle();
  }

  /**
   * The freshness check of a cached verification: one primary-key read of the credential's row, so
   * a revocation (row gone), a changed password (other hash) or changed capabilities or user made by
   * any process on this database apply to the very next request. Null when the entry is stale (it is
   * dropped and the caller verifies from scratch); else the principal as the row says now.
   */
  private async stillValid(key: string, cached: CachedVerification): Promise<Principal | null> {
    const rows = await this.fresh.query<CredentialRow[]>(this.sql.byId, [cached.credentialId]);
    const row = rows[0];
    if (!row || row.password_hash !== cached.passwordHash || row.name.toLowerCase() !== cached.nameKey) {
      this.cache.forget(key);
      return null;
    }
    return { name: row.name, capabilities: knownCapabilities(row.capabilities), userId: toUserId(row.user_id) };
  }

  private async verifySlowly(name: string, password: string, key: string, gate: HashGate): Promise<Principal | null> {
    const revocations = this.revocations;
    const rows: CredentialRow[] = await this.db.query(this.sql.byName, [name]);
    const row = rows[0];
    // An unknown name still costs one full hash, so response times do not reveal which names exist.
    const matches = await gate.run(() => this.verifyHash(password, row?.password_hash ?? DUMMY_PASSWORD_HASH));
    if (!row || !matches) return null;
    const principal: Principal = {
      name: row.name,
      capabilities: knownCapabilities(row.capabilities),
      userId: toUserId(row.user_id),
    };
    if (revocations === this.revocations) {
      this.cache.set(key, { principal, credentialId: row.id, nameKey: row.name.toLowerCase(), passwordHash: row.password_hash });
    }
    this.usage.record(row.id);
    return principal;
  }
}

function copy(principal: Principal): Principal {
  return { ...principal, capabilities: [...principal.capabilities] };
}

/** A capability a newer version wrote and this one does not know grants nothing here. */
function knownCapabilities(values: string[]): Capability[] {
  return values.filter(isCapability);
}

/** bigint comes back from pg as a string; user ids stay far below 2^53. */
function toUserId(value: string | null): number | null {
  return value === null ? null : Number(value);
}

function credentialSql(table: string) {
  return {
    insert: `INSERT INTO ${table} (name, password_hash, capabilities, user_id)
             VALUES ($1, $2, $3::text[], $4)
             ON CONFLICT (lower(name)) DO NOTHING
             RETURNING id`,
    byName: `SELECT * FROM ${table} WHERE lower(name) = lower($1)`,
    byId: `SELECT name, password_hash, capabilities, user_id FROM ${table} WHERE id = $1`,
    count: `SELECT count(*)::int AS n FROM ${table}`,
    list: `SELECT name, capabilities, user_id, created_at, last_used_at FROM ${table} ORDER BY id`,
    delete: `DELETE FROM ${table} WHERE lower(name) = lower($1) RETURNING id, name`,
  };
}
