import type { TestRuntime } from './testRuntime';

/** Rows of every table of the test schema (TypeORM's migrations table aside), by table name. */
export async function countAllTables(t: Pick<TestRuntime, 'schema' | 'sql'>): Promise<Record<string, number>> {
  const tables = await t.sql<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname <> 'migrations' ORDER BY c.relname`,
    [t.schema],
  );
  const counts: Record<string, number> = {};
  for (const { relname } of tables) {
    const [row] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM {schema}."${relname}"`);
    counts[relname] = Number(row.n);
  }
  return counts;
}

/** Rows referring to this contact, per table with a subscriber_id column (and fc_subscribers by id). */
export async function countContactRows(t: Pick<TestRuntime, 'schema' | 'sql'>, id: number | string): Promise<Record<string, number>> {
  const tables = await t.sql<{ relname: string }>(
    `SELECT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND a.attname = 'subscriber_id' AND NOT a.attisdropped AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
    [t.schema],
  );
  const counts: Record<string, number> = {};
  for (const { relname } of tables) {
    const [row] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM {schema}."${relname}" WHERE subscriber_id = $1`, [id]);
    counts[relname] = Number(row.n);
  }
  const [contact] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM {schema}.fc_subscribers WHERE id = $1`, [id]);
  counts.fc_subscribers = Number(contact.n);
  return counts;
}
