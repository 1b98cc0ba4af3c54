import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createEventTracking, type EventTrackingOptions, type EventTrackingRuntime } from '../../src';
import { silentLogger } from '../../src/runtime/logger';
import { quoteIdent } from '../../src/db/tableNames';

export function testDatabaseUrl(): string {
  const url = process.env.FCRM_TEST_DATABASE_URL;
  if (!url) throw new Error('FCRM_TEST_DATABASE_URL is not set: run the tests through jest (globalSetup)');
  return url;
}

/** A schema no other test file uses, so files run in parallel without seeing each other's rows. */
export function uniqueSchemaName(): string {
  return `t_${process.env.JEST_WORKER_ID ?? '0'}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export interface TestRuntime {
  rt: EventTrackingRuntime;
  schema: string;
  /** Removes every contact and event (the schema stays migrated). */
  reset(): Promise<void>;
  /** Runs SQL in the test schema, for assertions that must not trust the API under test. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** A runtime on the suite's database, in a fresh schema that `close()` drops. */
export async function openTestRuntime(options: EventTrackingOptions = {}): Promise<TestRuntime> {
  const schema = options.schema ?? uniqueSchemaName();
  const rt = await createEventTracking({ databaseUrl: testDatabaseUrl(), schema, logger: silentLogger, ...options });
  const q = quoteIdent(schema);
  const sql = async <T>(text: string, params: unknown[] = []): Promise<T[]> => rt.dataSource.query(text.replace(/\{schema\}/g, q), params);
  return {
    rt,
    schema,
    sql,
    async reset() {
      await sql(`TRUNCATE {schema}.fc_event_tracking, {schema}.fc_subscribers RESTART IDENTITY CASCADE`);
    },
    async close() {
      await rt.close();
      await dropSchema(schema);
    },
  };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
