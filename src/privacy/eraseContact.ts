import type { ContactStore } from '../contacts/contactStore';
import type { SqlRunner } from '../db/preparedStatements';
import { quoteIdent, type TableNames } from '../db/tableNames';

/** Rows an erase removed, per table (tables with none are listed with 0). */
export type ErasedRows = Record<string, number>;

/**
 * Tables emptied first, in this order: the history and the outbox before the event rows, so the
 * events' cascade trigger finds nothing left to join; then the rest of what is known to refer to a
 * contact. Every other table of the schema with a `subscriber_id` column follows, found in the
 * catalog at erase time, so a table added later (a plugin's, another feature's) is erased too.
 */
const FIRST = ['fc_event_outbox', 'fc_event_occurrences', 'fc_event_idempotency_keys', 'fc_automation_runs', 'fc_event_tracking'];

/**
 * Erases a contact for a privacy request, in ONE transaction: records the suppression of its e-mail
 * (fc_email_hash, never the address), deletes every row of every table that refers to it, then the
 * contact. It runs inside ContactStore.delete, which takes the locks in the event writer's order
 * (claims, events, contact): a track-event for the contact that is already writing finishes first
 * and its rows are erased with the rest; one that comes later waits and then finds no contact
 * (its statement fails the contact's foreign key and writes nothing). Resolves to null when there
 * was no such contact.
 */
export async function eraseContact(contacts: ContactStore, tables: TableNames, id: string): Promise<ErasedRows | null> {
  let erased: ErasedRows = {};
  const found = await contacts.delete(id, async (tx, contact) => {
    erased = {};
    await tx.query(`INSERT INTO ${tables.suppressions} (email_hash) VALUES (${tables.emailHash}($1)) ON CONFLICT DO NOTHING`, [contact.email]);
    for (const table of await referringTables(tx, tables.schema)) {
      const rows: Array<{ n: string }> = await tx.query(
        `WITH gone AS (DELETE FROM ${quoteIdent(tables.schema)}.${quoteIdent(table)} WHERE subscriber_id = $1 RETURNING 1)
         SELECT count(*) AS n FROM gone`,
        [contact.id],
      );
      erased[table] = Number(rows[0].n);
    }
  });
  if (!found) return null;
  erased.fc_subscribers = 1;
  return erased;
}

/** The schema's tables with a subscriber_id column, FIRST ones first. */
async function referringTables(tx: SqlRunner, schema: string): Promise<string[]> {
  const rows: Array<{ relname: string }> = await tx.query(
    `SELECT c.relname FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND a.attname = 'subscriber_id' AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
      ORDER BY c.relname`,
    [schema],
  );
  const names = rows.map((row) => row.relname);
  return [...FIRST.filter((name) => names.includes(name)), ...names.filter((name) => !FIRST.includes(name))];
}
