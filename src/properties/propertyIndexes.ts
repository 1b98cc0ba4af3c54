import { createHash } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';
import { quoteIdent, tableNames } from '../db/tableNames';
import { propertyNumberSql, propertyTextSql } from './propertySql';

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
 * The expression indexes behind indexed properties, reconciled with the definitions: for each
 * (event key, property) a partial index of the key's event rows (latest scope) and one of its
 * occurrences (`any` scope), plus expression statistics so the planner knows how selective a
 * comparison is. A number is a btree on the property's number, the occurrences' also on
 * occurred_at (the window); a string is a hash index on its lower-cased text (equality and `in`;
 * a hash entry holds any length, a btree entry at most ~2,700 bytes). The indexed expression is the
 * filter's own (propertyNumberSql, propertyTextSql), so PostgreSQL matches the two by their text:
 * nothing in the filter names an index. Reconciling is idempotent and serialised by an advisory lock; an index a
 * failed concurrent build left invalid is dropped and built again.
 */
export class PropertyIndexes {
  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
    /** False on the embedded database: one session, nothing to build concurrently with. */
    private readonly concurrently: boolean,
  ) {}

  async reconcile(wanted: readonly IndexedProperty[]): Promise<void> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    const lock = `fcrm-property-indexes:${this.schema}`;
    try {
      await runner.query('SELECT pg_advisory_lock(hashtext($1))', [lock]);
      try {
        // An index build on 10^6 occurrences outlives the runtime's statement timeout.
        await runner.query('SET statement_timeout = 0');
        await this.apply(runner, wanted);
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
    const expression = property.type === 'number' ? propertyNumberSql(x) : propertyTextSql(x);
    const id = `${property.type}\u0000${property.eventKey.toLowerCase()}\u0000${JSON.stringify(property.path)}`;
    const hash = createHash('sha256').update(id).digest('hex').slice(0, 24);
    const name = (part: string) => `${PREFIX}${part}_${hash}`;
    const ofKey = `WHERE lower(event_key) = ${key}`;
    const [onEvents, onOccurrences] =
      property.type === 'number'
        ? [`(${expression}) INCLUDE (subscriber_id)`, `(${expression}, occurred_at) INCLUDE (subscriber_id)`]
        : [`USING hash (${expression})`, `USING hash (${expression})`];
    return [
      { name: name('e'), kind: 'index', table: 'events', create: `CREATE INDEX ${quoteIdent(name('e'))} ON ${t.events} ${onEvents} ${ofKey}` },
      { name: name('o'), kind: 'index', table: 'occurrences', create: `CREATE INDEX ${quoteIdent(name('o'))} ON ${t.occurrences} ${onOccurrences} ${ofKey}` },
      { name: name('es'), kind: 'statistics', table: 'events', create: `CREATE STATISTICS ${s}.${quoteIdent(name('es'))} ON (${expression}) FROM ${t.events}` },
      { name: name('os'), kind: 'statistics', table: 'occurrences', create: `CREATE STATISTICS ${s}.${quoteIdent(name('os'))} ON (${expression}) FROM ${t.occurrences}` },
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
