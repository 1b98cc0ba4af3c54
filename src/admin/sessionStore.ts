import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { credentialsTable } from '../auth/credentialsTable';
import { isCapability, type Capability } from '../auth/capabilities';
import type { Principal } from '../auth/principal';
import { adminSessionsTable } from './sessionTable';

/** How long a sign-in lasts (fixed, not sliding: a stolen cookie stops working at the latest then). */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/** A signed-in session: who, and the id the cookie carries (only its hash is stored). */
export interface AdminSession {
  principal: Principal;
  /** The raw session id (from the cookie); the CSRF token is derived from it. */
  id: string;
}

/**
 * Admin sessions in fc_admin_sessions: 32 random bytes per session, stored as SHA-256, with an
 * expiry. Every lookup joins the credential, so a revoked credential or changed capabilities apply
 * at the next request, in every process sharing the database.
 */
export class AdminSessionStore {
  private readonly sql: ReturnType<typeof sessionSql>;

  constructor(
    private readonly db: DataSource,
    schema: string,
    private readonly ttlMs = SESSION_TTL_MS,
  ) {
    this.sql = sessionSql(adminSessionsTable(schema), credentialsTable(schema));
  }

  /** Starts a session for a verified credential; returns the id for the cookie. */
  async create(credentialName: string): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.db.query(this.sql.removeExpired);
    await this.db.query(this.sql.insert, [hashId(id), credentialName, new Date(Date.now() + this.ttlMs)]);
    return id;
  }

  /** The session for a cookie value, or null (unknown, expired, or its credential revoked). */
  async find(id: string | undefined): Promise<AdminSession | null> {
    if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const rows: Array<{ name: string; capabilities: string[]; user_id: string | null }> = await this.db.query(this.sql.find, [hashId(id)]);
    if (rows.length === 0) return null;
    const row = rows[0];
    const capabilities = row.capabilities.filter((c): c is Capability => isCapability(c));
    return { id, principal: { name: row.name, capabilities, userId: row.user_id === null ? null : Number(row.user_id) } };
  }

  async remove(id: string): Promise<void> {
    await this.db.query(this.sql.remove, [hashId(id)]);
  }
}

function hashId(id: string): Buffer {
  return createHash('sha256').update(id).digest();
}

function sessionSql(sessions: string, credentials: string) {
  return {
    insert: `INSERT INTO ${sessions} (id_hash, credential_name, expires_at) VALUES ($1, $2, $3)`,
    find: `SELECT c.name, c.capabilities, c.user_id
             FROM ${sessions} s JOIN ${credentials} c ON lower(c.name) = lower(s.credential_name)
            WHERE s.id_hash = $1 AND s.expires_at > now()`,
    remove: `DELETE FROM ${sessions} WHERE id_hash = $1`,
    removeExpired: `DELETE FROM ${sessions} WHERE expires_at <= now()`,
  };
}
