import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createEventTracking, type EventTrackingOptions, type EventTrackingRuntime } from '../createEventTracking';
import { quoteIdent } from '../db/tableNames';

export interface TestRuntime extends EventTrackingRuntime {
  /** Closes the runtime, then drops the schema createTestRuntime made for it (if it made one). */
  close(): Promise<void>;
}

/**
 * A runtime for a test. With a database URL (the `databaseUrl` option or DATABASE_URL) and no
 * `schema`, it works in a fresh schema that `close()` drops, so tests never see each other's rows;
 * without one, on an in-memory embedded database that leaves nothing on disk. Every other option is
 * passed to createEventTracking as it is.
 */
export async function createTestRuntime(options: EventTrackingOptions = {}): Promise<TestRuntime> {
  const databaseUrl = options.databaseUrl ?? nonEmpty(process.env.DATABASE_URL);
  if (!databaseUrl) {
    return createEventTracking({ inMemory: options.dataDir === undefined, ...options });
  }
  // A schema the caller names is theirs to keep; only one made here is dropped.
  const ownSchema = options.schema === undefined ? `fcrm_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}` : null;
  const rt = await createEventTracking({ ...options, databaseUrl, schema: options.schema ?? ownSchema! });
  const closeRuntime = rt.close;
  let closing: Promise<void> | undefined;
  return {
    ...rt,
    close() {
      closing ??= closeRuntime().then(() => (ownSchema ? dropSchema(databaseUrl, ownSchema) : undefined));
      return closing;
    },
  };
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value : undefined;
}
