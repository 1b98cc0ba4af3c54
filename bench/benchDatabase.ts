import { Pool } from 'pg';
import { createEventTracking, type EventTrackingRuntime } from '../src';
import { quoteIdent } from '../src/db/tableNames';
import type { DatabaseChoice } from './database';
import type { RecordingLogger } from './recordingLogger';

/** The runtime under test, in its own schema, plus the SQL the bench needs around it. */
export interface BenchDatabase {
  rt: EventTrackingRuntime;
  schema: string;
  /** Schema-qualified, quoted table names. */
  events: string;
  subscribers: string;
  /** The tracker's exact upsert (src/tracking/eventStore.ts), for the pg baseline. */
  upsertSql: string;
  /** The tracker's contact lookup (src/contacts/contactStore.ts), for the diagnostic contender. */
  contactByIdSql: string;
  /** A plain pg pool as large as the runtime's, for the baseline. */
  baselinePool: Pool;
  serverVersion: string;
  synchronousCommit: string;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Drops the schema and closes everything the bench opened. */
  close(): Promise<void>;
}

export async function openBenchDatabase(choice: DatabaseChoice, poolSize: number, logger: RecordingLogger): Promise<BenchDatabase> {
  // A fresh schema per run: nothing left over from an earlier run can skew this one.
  const schema = `bench_${Date.now()}`;
  const rt = await createEventTracking(
    choice.kind === 'url'
      ? { databaseUrl: choice.url, schema, poolSize, logger }
      : { databaseUrl: undefined, inMemory: true, schema, poolSize, logger },
  );
  try {
    return await describe(choice, rt, schema, poolSize);
  } catch (error) {
    await rt.dataSource.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`).catch(() => undefined);
    await rt.close();
    throw error;
  }
}

async function describe(choice: DatabaseChoice, rt: EventTrackingRuntime, schema: string, poolSize: number): Promise<BenchDatabase> {
  const q = quoteIdent(schema);
  const events = `${q}."fc_event_tracking"`;
  const subscribers = `${q}."fc_subscribers"`;
  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => rt.dataSource.query(sql, params);
  const baseline = baselinePoolFor(choice, rt, poolSize);
  const [{ server_version }] = await query<{ server_version: string }>('SHOW server_version');
  // Each upsert commits on its own, so whether commits wait for the WAL flush shapes every number.
  const [{ synchronous_commit }] = await query<{ synchronous_commit: string }>('SHOW synchronous_commit');

  return {
    rt,
    schema,
    events,
    subscribers,
    upsertSql: `INSERT INTO ${events} AS e (subscriber_id, counter, created_by, provider, event_key, title, value)
             VALUES ($1, 1, $2, $3, $4, $5, $6)
             ON CONFLICT (subscriber_id, lower(event_key), lower(title)) DO UPDATE SET
               counter    = e.counter + 1,
               value      = EXCLUDED.value,
               updated_at = now()
             RETURNING *`,
    contactByIdSql: `SELECT * FROM ${subscribers} WHERE id = $1`,
    baselinePool: baseline.pool,
    serverVersion: server_version,
    synchronousCommit: synchronous_commit,
    query,
    async close() {
      try {
        await query(`DROP SCHEMA IF EXISTS ${q} CASCADE`);
      } finally {
        if (baseline.owned) await baseline.pool.end();
        await rt.close();
      }
    },
  };
}

/**
 * On a server the baseline gets its own pool of the same size. The embedded server accepts only
 * the runtime's pool (plus two), and serialises every session anyway, so there the baseline borrows
 * the runtime's own pg pool: same size, same connections.
 */
function baselinePoolFor(choice: DatabaseChoice, rt: EventTrackingRuntime, poolSize: number): { pool: Pool; owned: boolean } {
  if (choice.kind === 'url') return { pool: new Pool({ connectionString: choice.url, max: poolSize }), owned: true };
  const master: unknown = (rt.dataSource.driver as unknown as { master?: unknown }).master;
  if (!(master instanceof Pool)) throw new Error("Cannot reach the embedded runtime's pg pool for the baseline");
  return { pool: master, owned: false };
}
