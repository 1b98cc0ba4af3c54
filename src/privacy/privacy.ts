import type { ContactStore } from '../contacts/contactStore';
import type { TransactionalSqlRunner } from '../db/preparedStatements';
import type { TableNames } from '../db/tableNames';
import { toDatabaseId } from '../tracking/contactReference';
import { eraseContact, type ErasedRows } from './eraseContact';
import { exportContact } from './exportContact';
import { SuppressionStore } from './suppressionStore';

/** `rt.privacy`: what a data-subject request needs. */
export interface Privacy {
  /** Deletes the contact and every row referring to it, and suppresses its e-mail; null when there is no such contact. */
  erase(id: number | string): Promise<ErasedRows | null>;
  /** The contact's data as NDJSON lines (see exportContact.ts); null when there is no such contact. */
  export(id: number | string): Promise<AsyncGenerator<string> | null>;
  /** Lets the e-mail be created again; false when it was not suppressed. */
  liftSuppression(email: string): Promise<boolean>;
  isSuppressed(email: string): Promise<boolean>;
}

export function createPrivacy(deps: { contacts: ContactStore; sql: TransactionalSqlRunner; tables: TableNames }): Privacy {
  const suppressions = new SuppressionStore(deps.sql, deps.tables);
  return {
    async erase(id) {
      const dbId = toDatabaseId(id);
      return dbId ? eraseContact(deps.contacts, deps.tables, dbId) : null;
    },
    async export(id) {
      const dbId = toDatabaseId(id);
      return dbId ? exportContact(deps.sql, deps.tables, dbId) : null;
    },
    liftSuppression: (email) => suppressions.remove(email),
    isSuppressed: (email) => suppressions.isSuppressed(email),
  };
}
