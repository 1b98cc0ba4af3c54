import type { DataSource } from 'typeorm';
import type { TableNames } from '../db/tableNames';
import type { NormalizedContact } from './contactInput';
import type { ContactRow } from './contactRecord';

/** Every query on fc_subscribers, parameterised, in one place. E-mail compares case-insensitively. */
export class ContactStore {
  private readonly sql: ReturnType<typeof contactSql>;

  constructor(
    private readonly db: DataSource,
    tables: TableNames,
  ) {
    this.sql = contactSql(tables.subscribers);
  }

  async findById(id: string): Promise<ContactRow | null> {
    return first(await this.db.query(this.sql.byId, [id]));
  }

  /** Several contacts in one query (a batch's); unknown ids are simply absent. */
  async findByIds(ids: string[]): Promise<ContactRow[]> {
    return ids.length === 0 ? [] : this.db.query(this.sql.byIds, [ids]);
  }

  async findByEmails(emails: string[]): Promise<ContactRow[]> {
    return emails.length === 0 ? [] : this.db.query(this.sql.byEmails, [emails.map((email) => email.trim())]);
  }

  async findByEmail(email: string): Promise<ContactRow | null> {
    return first(await this.db.query(this.sql.byEmail, [email.trim()]));
  }

  /** The contact of a (WordPress) user: its `user_id` first, else the user's e-mail when known. */
  async findByUser(userId: string, email: string | null): Promise<ContactRow | null> {
    return first(await this.db.query(this.sql.byUser, [userId, email?.trim() ?? null]));
  }

  /** Atomic: concurrent calls for one e-mail give one contact. */
  async createOrUpdate(contact: NormalizedContact): Promise<{ row: ContactRow; created: boolean }> {
    const rows: Array<ContactRow & { created: boolean }> = await this.db.query(this.sql.upsert, [
      contact.email,
      contact.first_name,
      contact.last_name,
      contact.user_id,
      contact.status,
    ]);
    const { created, ...row } = rows[0];
    return { row, created };
  }

  async delete(id: string): Promise<boolean> {
    const [, affected] = (await this.db.query(this.sql.delete, [id])) as [unknown, number];
    return affected > 0;
  }
}

function first<T>(rows: T[]): T | null {
  return rows[0] ?? null;
}

function contactSql(table: string) {
  return {
    byId: `SELECT * FROM ${table} WHERE id = $1`,
    byEmail: `SELECT * FROM ${table} WHERE lower(email) = lower($1)`,
    byIds: `SELECT * FROM ${table} WHERE id = ANY($1::bigint[])`,
    byEmails: `SELECT * FROM ${table} WHERE lower(email) = ANY(SELECT lower(x) FROM unnest($1::text[]) AS x)`,
    byUser: `SELECT * FROM ${table}
              WHERE user_id = $1 OR ($2::text IS NOT NULL AND lower(email) = lower($2::text))
              ORDER BY (user_id IS NOT DISTINCT FROM $1::bigint) DESC, id
              LIMIT 1`,
    upsert: `INSERT INTO ${table} AS s (email, first_name, last_name, user_id, status)
             VALUES ($1, $2, $3, $4, COALESCE($5, 'subscribed'))
             ON CONFLICT (lower(email)) DO UPDATE SET
               first_name = COALESCE(EXCLUDED.first_name, s.first_name),
               last_name  = COALESCE(EXCLUDED.last_name, s.last_name),
               user_id    = COALESCE(EXCLUDED.user_id, s.user_id),
               status     = COALESCE($5, s.status),
               updated_at = now()
             RETURNING *, (xmax = 0) AS created`,
    delete: `DELETE FROM ${table} WHERE id = $1`,
  };
}
