import { createHash } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { PreparedStatements } from '../../src/db/preparedStatements';
import { readServerConfig, ConfigError } from '../../src/server/config';
import { createContact } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

/** The stores' statements as named prepared statements (src/db/preparedStatements.ts). */
describe('prepared statements', () => {
  const CHANNEL = 'fcrm-event-tracking:statement';

  /**
   * The statements on this test's tables prepared in the session of the runtime's one pooled
   * connection (poolSize 1; on the embedded database every test file shares that session).
   */
  async function sessionStatements(t: TestRuntime): Promise<Array<{ name: string; statement: string }>> {
    return t.sql(
      "SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'fcrm_%' AND strpos(statement, $1) > 0 ORDER BY name",
      [`"${t.schema}"`],
    );
  }

  /** A runtime with one pooled connection (so its session is the one pg_prepared_statements shows), closed after `fn`. */
  async function withRuntime(options: { preparedStatements?: boolean }, fn: (t: TestRuntime) => Promise<void>): Promise<void> {
    const t = await openTestRuntime({ poolSize: 1, ...options });
    try {
      await fn(t);
    } finally {
      await t.close();
    }
  }

  async function trackAndPage(t: TestRuntime): Promise<number> {
    const contact = await createContact(t.rt);
    await t.rt.api('event_tracker').track({ subscriber_id: contact.id, event_key: 'k', title: 'T' });
    await t.rt.api('event_tracker').track({ email: contact.email, event_key: 'k', title: 'T' });
    const page = await t.rt.api('event_tracker').getEvents(contact.id);
    expect(page.data.map((r) => r.counter)).toEqual(['2']);
    return contact.id;
  }

  // PGlite behind a socket shares one session between connections: the runner notices and stops preparing.
  const onPostgres = process.env.FCRM_TEST_DATABASE_KIND !== 'embedded';
  const postgresOnly = onPostgres ? test : test.skip;

  postgresOnly('on PostgreSQL the writer, the lookups and the pages are prepared once per connection', async () => {
    const t = await openTestRuntime({ poolSize: 1 });
    const seen: string[] = [];
    const listener = (message: unknown) => {
      const { sql, prepared } = message as { sql: string; prepared: boolean };
      if (prepared) seen.push(sql);
    };
    subscribe(CHANNEL, listener);
    try {
      await trackAndPage(t);
      await trackAndPage(t);
      const prepared = await sessionStatements(t);
      const texts = new Set(seen);
      expect(texts.size).toBeGreaterThanOrEqual(3); // write, contact lookup by id / e-mail, ranked page
      // Each text the stores sent is prepared in the session exactly once, however often it ran.
      for (const text of texts) expect(prepared.filter((p) => p.statement === text)).toHaveLength(1);
      expect(seen.length).toBeGreaterThan(texts.size);
      expect(seen.some((sql) => sql.includes('fc_event_ranks'))).toBe(true);
      expect(seen.some((sql) => /INSERT INTO .*"fc_event_tracking"/.test(sql))).toBe(true);
    } finally {
      unsubscribe(CHANNEL, listener);
      await t.close();
    }
  });

  test('preparedStatements: false sends every statement unnamed', () =>
    withRuntime({ preparedStatements: false }, async (t) => {
      await trackAndPage(t);
      expect(await sessionStatements(t)).toEqual([]);
      // Unnamed statements answer in the same shape: a DELETE's rows, not TypeORM's [rows, count].
      const contact = await createContact(t.rt);
      expect(await t.rt.api('contacts').delete(contact.id)).toBe(true);
      expect(await t.rt.api('contacts').delete(contact.id)).toBe(false);
    }));

  postgresOnly('a server that shares sessions (a name already prepared) makes it send unnamed from then on', () =>
    withRuntime({}, async (t) => {
      const runner = new PreparedStatements(t.rt.dataSource);
      const text = 'SELECT $1::int + 1 AS next';
      const name = `fcrm_${createHash('sha256').update(text).digest('hex').slice(0, 24)}_0`;
      await t.sql(`PREPARE ${name} AS SELECT 'someone else''s' AS next`); // as another client of the same session would
      expect(await runner.query(text, [41])).toEqual([{ next: 42 }]);
      expect(await runner.query(text, [1])).toEqual([{ next: 2 }]);
      const prepared = await t.sql<{ name: string; statement: string }>("SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'fcrm_%'");
      expect(prepared.filter((p) => p.name === name)).toEqual([{ name, statement: expect.stringContaining("someone else''s") }]);
      expect(prepared.filter((p) => p.statement === text)).toEqual([]); // and the text never prepared under another name
    }));

  postgresOnly('a statement carrying a long array runs unnamed, planned for its real size', () =>
    withRuntime({}, async (t) => {
      const runner = new PreparedStatements(t.rt.dataSource);
      const text = 'SELECT count(*)::int AS n FROM unnest($1::int[]) AS u(x) WHERE x > 0';
      const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
      const preparedAs = () => t.sql('SELECT name FROM pg_prepared_statements WHERE statement = $1', [text]);
      expect(await runner.query(text, [ids(65)])).toEqual([{ n: 65 }]);
      expect(await preparedAs()).toEqual([]);
      expect(await runner.query(text, [ids(64)])).toEqual([{ n: 64 }]);
      expect(await preparedAs()).toHaveLength(1);
    }));

  test('a table changed under a prepared SELECT * is prepared afresh, not an error', () =>
    withRuntime({}, async (t) => {
      const id = await trackAndPage(t);
      await t.sql('ALTER TABLE {schema}.fc_event_tracking ADD COLUMN note text');
      const page = await t.rt.api('event_tracker').getEvents(id);
      expect(page.total).toBe(1);
      await t.rt.api('event_tracker').track({ subscriber_id: id, event_key: 'k', title: 'T' });
      expect((await t.rt.api('event_tracker').getEvents(id)).data.map((r) => r.counter)).toEqual(['3']);
    }));

  test('FCRM_PREPARED_STATEMENTS: on by default, off/false/0 turn it off, anything else is a start-up error', () => {
    expect(readServerConfig({}).preparedStatements).toBe(true);
    expect(readServerConfig({ FCRM_PREPARED_STATEMENTS: 'on' }).preparedStatements).toBe(true);
    for (const off of ['off', 'OFF', 'false', '0']) expect(readServerConfig({ FCRM_PREPARED_STATEMENTS: off }).preparedStatements).toBe(false);
    expect(() => readServerConfig({ FCRM_PREPARED_STATEMENTS: 'maybe' })).toThrow(ConfigError);
    expect(() => readServerConfig({ FCRM_PREPARED_STATEMENTS: 'maybe' })).toThrow('FCRM_PREPARED_STATEMENTS must be on or off; got "maybe"');
  });
});
