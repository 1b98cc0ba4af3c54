import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource, MigrationExecutor } from 'typeorm';
import { Subscriber, TrackedEvent } from '../../entities';
import { migrations } from './migrations';
import { partitionOccurrences } from './partitionOccurrences';
import { quoteIdent } from './tableNames';

export interface DataSourceConfig {
  url: string;
  schema: string;
  poolSize: number;
  /** pg.Pool settings merged by TypeORM (timeouts and the like). */
  pool?: Record<string, unknown>;
  /** Hash-partition fc_event_occurrences by subscriber_id into this many tables (docs/scaling.md); off when unset. */
  partitionOccurrences?: number;
}

/**
 * Opens the TypeORM DataSource and applies pending migrations at start-up (never `synchronize`). A non-default
 * schema is created first, because TypeORM keeps its migrations table inside it.
 */
export async function openDataSource(config: DataSourceConfig): Promise<DataSource> {
  if (config.schema !== 'public') await ensureSchema(config.url, config.schema);
  const dataSource = new DataSource({
    type: 'postgres',
    url: config.url,
    schema: config.schema,
    entities: [Subscriber, TrackedEvent],
    migrations,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    poolSize: config.poolSize,
    extra: {
      // No call hangs forever: a connection that cannot be had, a statement that runs away, or a
      // transaction left open fail with a clear error instead (PGlite ignores the server-side two).
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
      ...config.pool,
    },
  });
  await dataSource.initialize();
  try {
    await runMigrationsExclusively(dataSource, config.schema, config.partitionOccurrences);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/**
 * Several processes may start against one database at once. All pending migrations run in one
 * transaction that first takes an advisory transaction lock (keyed by the schema): on PostgreSQL
 * the lock lets one process migrate while the others wait and then find nothing to do; on the
 * embedded database, whose one session is handed to one connection per transaction, the
 * transaction itself serialises them.
 */
async function runMigrationsExclusively(dataSource: DataSource, schema: string, partitions?: number): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.startTransaction();
    await runner.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`fcrm-event-tracking:migrations:${schema}`]);
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'none'; // already inside ours
    await executor.executePendingMigrations();
    if (partitions) await partitionOccurrences(runner, schema, partitions);
    await runner.commitTransaction();
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

async function ensureSchema(url: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  } catch (error) {
    // Two processes creating it at once: IF NOT EXISTS is not atomic, the loser gets a duplicate error.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw error;
  } finally {
    await client.end();
  }
}
