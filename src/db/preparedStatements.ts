import { createHash } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { isConnectionFailure } from './connectionFailure';

/**
 * What the stores need of the database: run one parameterised statement, get its rows — always the
 * rows, for UPDATE and DELETE too (with RETURNING); TypeORM's query() returns [rows, count] for those,
 * which is why the stores never run on it directly.
 */
export interface SqlRunner {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T>;
}

/** A SqlRunner that can also run several statements as one transaction (for the rare writes that need it). */
export interface TransactionalSqlRunner extends SqlRunner {
  /** `work` runs on one connection between BEGIN and COMMIT; if it throws, the transaction is rolled back. */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

/**
 * Published for every statement the stores send (they bypass TypeORM, so its query events do not see
 * them): `{ sql, prepared }`. Nothing is built when nobody subscribes.
 */
export const statementChannel = diagnostics.channel('fcrm-event-tracking:statement');

/** SQLSTATE 0A000 "cached plan must not change result type": a table changed under a prepared `SELECT *`. */
const PLAN_CHANGED = '0A000';
/**
 * 42P05 "prepared statement already exists" / 26000 "prepared statement does not exist": the server
 * session is not the connection's own (PGlite served over a socket, a transaction-pooling PgBouncer).
 * Both fail at Parse/Bind, before anything ran.
 */
const SESSION_SHARED = ['42P05', '26000'];
/** The stores' statements are a fixed set per schema; past this many texts, new ones run unnamed. */
const MAX_NAMED = 256;
/**
 * A statement carrying an array longer than this runs unnamed, planned for its real size: a prepared
 * statement soon runs a generic plan, which cannot see how long the arrays are, and group-committed
 * batches of hundreds of events measured ~30% slower that way (BENCHMARKS.md). For them planning is a
 * small share of the time anyway.
 */
const PREPARED_MAX_ARRAY = 64;

/**
 * Sends the stores' statements as named prepared statements on pg's pool, so PostgreSQL parses and
 * plans each once per connection instead of on every call: measured 0.36 ms instead of 0.62 ms per
 * tracking-events page, and more for the event writer's long statement (BENCHMARKS.md). Off for the
 * embedded database (its one session is shared by every pooled connection, so their statement names
 * would collide) and when `preparedStatements: false`; turns itself off when the server shows it shares
 * sessions (see SESSION_SHARED).
 */
export class PreparedStatements implements TransactionalSqlRunner {
  private readonly names = new Map<string, string>();
  private readonly pool: Pool;
  /** False when not asked for; cleared for good when the server turns out to share sessions. */
  private enabled: boolean;

  constructor(dataSource: DataSource, prepare = true) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
    this.enabled = prepare;
  }

  async query<T = unknown>(sql: string, params: unknown[] = []): Promise<T> {
    const name = this.enabled && !params.some(isLongArray) ? this.nameOf(sql) : undefined;
    if (statementChannel.hasSubscribers) statementChannel.publish({ sql, prepared: name !== undefined });
    if (!name) return this.run(undefined, sql, params);
    try {
      return await this.run(name, sql, params);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && SESSION_SHARED.includes(code)) {
        this.enabled = false;
        return this.run(undefined, sql, params);
      }
      if (code !== PLAN_CHANGED) throw error;
      // A migration changed a table this statement returns: the statement failed without effect, so
      // prepare it afresh under a new name and run it once more.
      const fresh = `${name.replace(/_\d+$/, '')}_${Number(/_(\d+)$/.exec(name)?.[1] ?? 0) + 1}`;
      this.names.set(sql, fresh);
      return this.run(fresh, sql, params);
    }
  }

  /**
   * On a client of its own rather than pool.query, which discards the connection after any failed
   * statement — and with it every statement prepared on it. Only a broken connection is discarded.
   */
  private async run<T>(name: string | undefined, sql: string, params: unknown[]): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A connection cut while checked out is also emitted as 'error' on the client: without a
    // listener that would crash the process. The query's own rejection reports it to the caller.
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      const config = name === undefined ? { text: sql, values: params } : { name, text: sql, values: params };
      return (await client.query(config)).rows as T;
    } catch (error) {
      if (isConnectionFailure(error)) broken = error as Error;
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** Statements inside it run unnamed: transactions are rare here, and a failed one would leave the prepared names in doubt. */
  async transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    const tx: SqlRunner = {
      query: async <R>(sql: string, params: unknown[] = []): Promise<R> => {
        if (statementChannel.hasSubscribers) statementChannel.publish({ sql, prepared: false });
        return (await client.query({ text: sql, values: params })).rows as R;
      },
    };
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (isConnectionFailure(error)) broken = error as Error;
      else await client.query('ROLLBACK').catch((rollbackFailed: Error) => (broken = rollbackFailed));
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  private nameOf(sql: string): string | undefined {
    let name = this.names.get(sql);
    if (name === undefined && this.names.size < MAX_NAMED) {
      name = `fcrm_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}_0`;
      this.names.set(sql, name);
    }
    return name;
  }
}

function isLongArray(param: unknown): boolean {
  return Array.isArray(param) && param.length > PREPARED_MAX_ARRAY;
}

/** The stores' runner on the DataSource's pool: prepared statements when asked for and possible. */
export function sqlRunner(dataSource: DataSource, prepare: boolean): TransactionalSqlRunner {
  return new PreparedStatements(dataSource, prepare);
}
