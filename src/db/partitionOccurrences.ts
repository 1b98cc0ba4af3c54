import type { QueryRunner } from 'typeorm';
import { quoteIdent } from './tableNames';

/** The most hash partitions the option accepts. */
export const MAX_OCCURRENCE_PARTITIONS = 256;

/**
 * Makes fc_event_occurrences hash-partitioned by `subscriber_id` into `partitions` tables
 * (issue #18 item 5; docs/scaling.md). Runs after the migrations, in their transaction and under their
 * lock, and only converts a table that is not partitioned yet and EMPTY (a fresh database, or one with
 * no history yet): moving existing rows is a data migration to plan, not something a start-up does.
 * A non-empty unpartitioned table is left as it is (returns 'kept-nonempty'). Because it runs after the
 * migrations and copies whatever columns, defaults, checks, indexes and foreign keys the table has by
 * then, later migrations (new columns, new indexes) apply the same to either form.
 */
export async function partitionOccurrences(
  runner: QueryRunner,
  schema: string,
  partitions: number,
): Promise<'partitioned' | 'already-partitioned' | 'kept-nonempty'> {
  if (!Number.isSafeInteger(partitions) || partitions < 2 || partitions > MAX_OCCURRENCE_PARTITIONS) {
    throw new TypeError(`partitionOccurrences must be a whole number from 2 to ${MAX_OCCURRENCE_PARTITIONS}`);
  }
  const s = quoteIdent(schema);
  const table = `${s}."fc_event_occurrences"`;
  const old = `${s}."fc_event_occurrences_unpartitioned"`;
  const [{ kind }] = await runner.query(
    `SELECT c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'fc_event_occurrences'`,
    [schema],
  );
  if (kind === 'p') return 'already-partitioned';
  // The lock keeps writers out between the emptiness check and the swap.
  await runner.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  const rows: unknown[] = await runner.query(`SELECT 1 FROM ${table} LIMIT 1`);
  if (rows.length > 0) return 'kept-nonempty';

  await runner.query(`ALTER TABLE ${table} RENAME TO "fc_event_occurrences_unpartitioned"`);
  const indexes: Array<{ name: string; def: string }> = await runner.query(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS def
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
     WHERE x.indrelid = $1::regclass AND NOT x.indisprimary`,
    [old],
  );
  const foreignKeys: Array<{ name: string; def: string }> = await runner.query(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f'`,
    [old],
  );
  const [{ seq }] = await runner.query(`SELECT pg_get_serial_sequence($1, 'id') AS seq`, [old]);

  await runner.query(
    `CREATE TABLE ${table} (LIKE ${old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)
     PARTITION BY HASH (subscriber_id)`,
  );
  // A partitioned table's unique keys must contain the partition key.
  await runner.query(`ALTER TABLE ${table} ADD PRIMARY KEY (id, subscriber_id)`);
  if (seq) await runner.query(`ALTER SEQUENCE ${seq} OWNED BY ${table}.id`); // else dropping the old table drops it
  for (let remainder = 0; remainder < partitions; remainder += 1) {
    await runner.query(
      `CREATE TABLE ${s}.${quoteIdent(`fc_event_occurrences_p${remainder}`)} PARTITION OF ${table} FOR VALUES WITH (MODULUS ${partitions}, REMAINDER ${remainder})`,
    );
  }
  await runner.query(`DROP TABLE ${old}`);
  for (const index of indexes) {
    // pg_get_indexdef names the old table; the same definition on the new one (same index name, now free).
    const def = index.def.replace(/ ON (ONLY )?\S+ USING /, ` ON ${table} USING `);
    if (def === index.def) throw new Error(`Cannot re-create index ${index.name} on the partitioned table: ${index.def}`);
    await runner.query(def);
  }
  for (const fk of foreignKeys) await runner.query(`ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(fk.name)} ${fk.def}`);
  return 'partitioned';
}
