import { createHash } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { quoteIdent, tableNames } from '../db/tableNames';
import { propertyNumberSql, propertyTextKeySql } from './propertySql';

/** The types a property can be indexed as (what its definition declares). */
export const INDEXABLE_TYPES = ['number', 'string'] as const;
export type IndexableType = (typeof INDEXABLE_TYPES)[number];

/** A property a definition asks to index: filters on it read an index, not the key's rows. */
export interface IndexedProperty {
  eventKey: string;
  path: readonly string[];
  type: IndexableType;
}

/** Indexed properties per event key, and in all: each costs two index entries per tracked event of its key. */
export const MAX_INDEXED_PER_KEY = 5;
export const MAX_INDEXED_TOTAL = 20;

/** How long a change waits for another process's index build before it gives up. */
const LOCK_WAIT_MS = 15 * 60_000;

/** Every object this file creates starts so; anything else in the schema is never touched. */
const PREFIX = 'fc_evprop_';

interface PlannedObject {
  name: string;
  create: string;
  /** Indexes on a plain table are built and dropped CONCURRENTLY on PostgreSQL (writes go on meanwhile). */
  kind: 'index' | 'statistics';
  table: 'events' | 'occurrences';
}

/**
 * This process's changes per schema, one at a time, whichever runtime makes them: the advisory lock
 * is re-entrant within a session, and the embedded database gives all its clients one session.
 */
const queues = new Map<string, Promise<unknown>>();

/**
 * The expression indexes behind indexed properties, reconciled with the definitions: for each
 * (event key, property) a partial index of the key's event rows (latest scope) and one of its
 * occurrences (`any` scope), plus expression statistics so the planner knows how selective a
 * comparison is. A number is indexed as its number, a string as the start of its lower-cased text
 * (equality and `in`; the filter then compares the whole text); the occurrences' index also holds
 * occurred_at (the window). The indexed expression is the filter's own (propertyNumberSql,
 * propertyTextKeySql), so PostgreSQL matches the two by their text:
 * nothing in the filter names an index. Reconciling is idempotent (IF [NOT] EXISTS throughout) and
 * serialised by an advisory lock between sessions; an index a failed concurrent build left invalid is
 * dropped and built again.
 */
export class PropertyIndexes {
  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
    /** False on the embedded database: one session, nothing to build concurrently with. */
    private readonly concurrently: boolean,
  ) {}

  /**
   * Makes the objects match `load()`'s properties. `load` runs under the lock, after every change
   * that took the lock before: a list read before waiting could be stale and bring back the
   * indexes of a definition deleted meanwhile.
   */
  reconcile(load: () => Promise<readonly IndexedProperty[]>): Promise<void> {
    const run = (queues.get(this.schema) ?? Promise.resolve()).then(() => this.reconcileLocked(load));
    const settled = run.catch(() => undefined);
    queues.set(this.schema, settled);
    // The last change of a schema forgets its queue, so closed runtimes leave nothing behind.
    void settled.then(() => {
      if (queues.get(this.schema) === settled) queues.delete(this.schema);
    });
    return run;
  }

  private async reconcileLocked(load: () => Promise<readonly IndexedProperty[]>): Promise<void> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    const lock = `fcrm-property-indexes:${this.schema}`;
    try {
      await takeLock(runner, lock);
      try {
        // An index build on 10^6 occurrences outlives the runtime's statement timeout.
        await runner.query('SET statement_timeout = 0');
        await this.apply(runner, await load());
      } finally {
        await runner.query('RESET statement_timeout');
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [lock]);
      }
    } finally {
      await runner.release();
    }
  }

  private async apply(runner: QueryRunner, wanted: readonly IndexedProperty[]): Promise<void> {
    const partitioned = await this.occurrencesPartitioned(runner);
    const planned = new Map<string, PlannedObject>();
    for (const property of wanted) for (const object of await this.plan(runner, property)) planned.set(object.name, object);
    const existing = await this.existing(runner);
    const s = quoteIdent(this.schema);
    const concurrently = (table: PlannedObject['table']) => this.concurrently && !(table === 'occurrences' && partitioned);
    for (const [name, state] of existing) {
      if (planned.has(name) && state.valid) continue;
      if (state.kind === 'statistics') await runner.query(`DROP STATISTICS IF EXISTS ${s}.${quoteIdent(name)}`);
      else await runner.query(`DROP INDEX ${concurrently(state.table) ? 'CONCURRENTLY ' : ''}IF EXISTS ${s}.${quoteIdent(name)}`);
    }
    const analyse = new Set<PlannedObject['table']>();
    for (const object of planned.values()) {
      if (existing.get(object.name)?.valid) continue;
      const ddl = object.kind === 'index' && concurrently(object.table) ? object.create.replace('CREATE INDEX', 'CREATE INDEX CONCURRENTLY') : object.create;
      await runner.query(ddl);
      if (object.kind === 'statistics') analyse.add(object.table);
    }
    const t = tableNames(this.schema);
    for (const table of analyse) await runner.query(`ANALYZE ${table === 'events' ? t.events : t.occurrences}`);
  }

  /** The four objects of one property, their literals quoted by PostgreSQL itself. */
  private async plan(runner: QueryRunner, property: IndexedProperty): Promise<PlannedObject[]> {
    const [{ key, path }]: Array<{ key: string; path: string }> = await runner.query(
      'SELECT quote_literal(lower($1::text)) AS key, quote_literal($2::text[]) AS path',
      [property.eventKey, property.path],
    );
    const t = tableNames(this.schema);
    const s = quoteIdent(this.schema);
    const x = `(value_json #> ${path}::text[])`;
    const expression = property.type === 'number' ? propertyNumberSql(x) : propertyTextKeySql(x);
    const id = `${property.type}\u0000${property.eventKey.toLowerCase()}\u0000${JSON.stringify(property.path)}`;
    const hash = createHash('sha256').update(id).digest('hex').slice(0, 24);
    const name = (part: string) => `${PREFIX}${part}_${hash}`;
    const ofKey = `WHERE lower(event_key) = ${key}`;
    // btree for both types: a hash index of a string with few distinct values (a coupon, a plan) made
    // each write of its key walk a chain of overflow pages (writes at half speed in bench:properties).
    const onEvents = `(${expression}) INCLUDE (subscriber_id)`;
    const onOccurrences = `(${expression}, occurred_at) INCLUDE (subscriber_id)`;
    return [
      { name: name('e'), kind: 'index', table: 'events', create: `CREATE INDEX IF NOT EXISTS ${quoteIdent(name('e'))} ON ${t.events} ${onEvents} ${ofKey}` },
      {
        name: name('o'),
        kind: 'index',
        table: 'occurrences',
        create: `CREATE INDEX IF NOT EXISTS ${quoteIdent(name('o'))} ON ${t.occurrences} ${onOccurrences} ${ofKey}`,
      },
      {
        name: name('es'),
        kind: 'statistics',
        table: 'events',
        create: `CREATE STATISTICS IF NOT EXISTS ${s}.${quoteIdent(name('es'))} ON (${expression}) FROM ${t.events}`,
      },
      {
        name: name('os'),
        kind: 'statistics',
        table: 'occurrences',
        create: `CREATE STATISTICS IF NOT EXISTS ${s}.${quoteIdent(name('os'))} ON (${expression}) FROM ${t.occurrences}`,
      },
    ];
  }

  private async existing(runner: QueryRunner): Promise<Map<string, { valid: boolean; kind: PlannedObject['kind']; table: PlannedObject['table'] }>> {
    const rows: Array<{ name: string; valid: boolean; kind: PlannedObject['kind']; on_events: boolean }> = await runner.query(
      `SELECT c.relname AS name, i.indisvalid AS valid, 'index' AS kind, t.relname = 'fc_event_tracking' AS on_events
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND starts_with(c.relname, $2)
       UNION ALL
       SELECT x.stxname, true, 'statistics', t.relname = 'fc_event_tracking'
         FROM pg_statistic_ext x JOIN pg_class t ON t.oid = x.stxrelid JOIN pg_namespace n ON n.oid = x.stxnamespace
        WHERE n.nspname = $1 AND starts_with(x.stxname, $2)`,
      [this.schema, PREFIX],
    );
    return new Map(rows.map((row) => [row.name, { valid: row.valid, kind: row.kind, table: row.on_events ? 'events' : 'occurrences' }]));
  }

  private async occurrencesPartitioned(runner: QueryRunner): Promise<boolean> {
    const rows: Array<{ kind: string }> = await runner.query(
      `SELECT c.relkind AS kind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'fc_event_occurrences'`,
      [this.schema],
    );
    return rows[0]?.kind === 'p';
  }
}

/**
 * The advisory lock, taken by polling: a session blocked in pg_advisory_lock() is a transaction that
 * CREATE INDEX CONCURRENTLY (run by the holder) waits for, a deadlock. A try ends at once.
 */
async function takeLock(runner: QueryRunner, lock: string): Promise<void> {
  const started = Date.now();
  for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
    const [{ ok }]: Array<{ ok: boolean }> = await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [lock]);
    if (ok) return;
    if (Date.now() - started > LOCK_WAIT_MS) throw new Error(`Indexed properties: another process has been changing the indexes for ${LOCK_WAIT_MS / 60_000} minutes; try again later`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
