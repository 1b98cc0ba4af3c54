import type { SqlRunner } from '../db/preparedStatements';
import type { TableNames } from '../db/tableNames';

/** fc_suppressions outside an erase: lifting one (DELETE /suppressions/{email}) and asking about one. */
export class SuppressionStore {
  constructor(
    private readonly db: SqlRunner,
    private readonly tables: TableNames,
  ) {}

  /** True when this e-mail (trimmed, any case) was suppressed and no longer is. */
  async remove(email: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `DELETE FROM ${this.tables.suppressions} WHERE email_hash = ${this.tables.emailHash}($1) RETURNING 1`,
      [email],
    );
    return rows.length > 0;
  }

  async isSuppressed(email: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM ${this.tables.suppressions} WHERE email_hash = ${this.tables.emailHash}($1)`,
      [email],
    );
    return rows.length > 0;
  }
}
