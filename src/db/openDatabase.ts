import type { DataSource } from 'typeorm';
import { consoleLogger, type Logger } from '../runtime/logger';
import { openDataSource } from './dataSource';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embeddedPostgres';
import { embeddedSharedBuffers } from './embeddedSettings';
import { withoutPassword } from './redactUrl';
import { MAX_OCCURRENCE_PARTITIONS } from './partitionOccurrences';
import { wholeNumber } from '../server/envNumber';

export interface DatabaseOptions {
  /** A PostgreSQL URL; defaults to the DATABASE_URL environment variable, else the embedded database. */
  databaseUrl?: string;
  /** Where the embedded database keeps its files (default: FCRM_DATA_DIR or ./.fcrm-data). */
  dataDir?: string;
  /** Embedded database in memory only: nothing is written to disk. */
  inMemory?: boolean;
  /** The PostgreSQL schema of the tables (default `public`); created when missing. */
  schema?: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** The embedded database only: refuse a data folder another live process serves (a server's open). */
  exclusiveDataFolder?: boolean;
  /**
   * Hash-partition fc_event_occurrences by subscriber_id into this many tables (2–256), applied at
   * start-up only while the table is still empty (docs/scaling.md). Default: FCRM_OCCURRENCE_PARTITIONS, else off.
   */
  partitionOccurrences?: number;
  /** Where a fix of the embedded data folder's permissions is reported (default: the console). */
  logger?: Logger;
}

export interface OpenDatabase {
  dataSource: DataSource;
  kind: 'postgres' | 'embedded';
  /** The URL in use, without its password. */
  url: string;
  /** The embedded database's folder (`memory://` in memory); undefined on PostgreSQL. */
  dataDir?: string;
  schema: string;
  close(): Promise<void>;
}

export const DEFAULT_DATA_DIR = '.fcrm-data';

/** A real PostgreSQL when a URL is given, else PGlite served on loopback; migrated either way. */
export async function openDatabase(options: DatabaseOptions): Promise<OpenDatabase> {
  const schema = options.schema ?? 'public';
  const poolSize = options.poolSize ?? 10;
  if (!Number.isSafeInteger(poolSize) || poolSize < 1) throw new TypeError('poolSize must be a positive integer');
  const url = options.databaseUrl ?? nonEmpty(process.env.DATABASE_URL);
  const partitions = options.partitionOccurrences ?? occurrencePartitionsFromEnv();
  if (partitions !== undefined && (!Number.isSafeInteger(partitions) || partitions < 2 || partitions > MAX_OCCURRENCE_PARTITIONS)) {
    throw new TypeError(`partitionOccurrences must be a whole number from 2 to ${MAX_OCCURRENCE_PARTITIONS}`);
  }

  let embedded: EmbeddedPostgres | undefined;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: options.dataDir ?? nonEmpty(process.env.FCRM_DATA_DIR) ?? DEFAULT_DATA_DIR,
      inMemory: options.inMemory ?? false,
      // Migrations hold one extra connection for their lock.
      maxConnections: poolSize + 2,
      exclusive: options.exclusiveDataFolder ?? false,
      logger: options.logger ?? consoleLogger,
      sharedBuffers: embeddedSharedBuffers(process.env.FCRM_EMBEDDED_SHARED_BUFFERS),
    });
  }
  const target = url ?? embedded!.url;
  try {
    const dataSource = await openDataSource({ url: target, schema, poolSize, partitionOccurrences: partitions });
    return {
      dataSource,
      kind: embedded ? 'embedded' : 'postgres',
      url: withoutPassword(target),
      dataDir: embedded?.dataDir,
      schema,
      async close() {
        await dataSource.destroy();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/** FCRM_OCCURRENCE_PARTITIONS: unset, empty or 0 is off. */
function occurrencePartitionsFromEnv(): number | undefined {
  const n = wholeNumber(process.env, 'FCRM_OCCURRENCE_PARTITIONS', 0, 0, (message) => new TypeError(message));
  if (n === 1 || n > MAX_OCCURRENCE_PARTITIONS) throw new TypeError(`FCRM_OCCURRENCE_PARTITIONS must be 0 (off) or from 2 to ${MAX_OCCURRENCE_PARTITIONS}`);
  return n === 0 ? undefined : n;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value : undefined;
}
