import { Client } from 'pg';
import { HOOKS } from '../hooks/hookNames';
import { silentLogger } from '../src/runtime/logger';
import { createTestRuntime, recordHooks } from '../src/testing';
import { testDatabaseUrl } from './helpers/testRuntime';

// The in-memory branch (no database URL) runs in test/package.test.ts, in a child process:
// PGlite cannot start inside a Jest test file.

async function schemaExists(schema: string): Promise<boolean> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
    return rows.length === 1;
  } finally {
    await client.end();
  }
}

const contact = { email: 'john@example.com', first_name: 'John' };
const event = { event_key: 'fcrm_event_tested', title: 'Testing FluentCRM Event', email: 'john@example.com', provider: 'woocommerce' };

describe('createTestRuntime', () => {
  test('with DATABASE_URL: a fresh migrated schema per runtime, dropped on close()', async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = testDatabaseUrl();
    try {
      const a = await createTestRuntime({ logger: silentLogger });
      const b = await createTestRuntime({ logger: silentLogger });
      try {
        expect(a.database.kind).toBe('postgres');
        expect(a.database.schema).not.toBe(b.database.schema);
        expect(a.database.schema).not.toBe('public');
        await a.api('contacts').createOrUpdate(contact);
        expect((await a.api('event_tracker').track(event, false)).counter).toBe(1);
        // b sees none of a's rows
        await expect(b.api('event_tracker').track(event, false)).rejects.toMatchObject({ code: expect.any(String) });
      } finally {
        await a.close();
        await b.close();
      }
      expect(await schemaExists(a.database.schema)).toBe(false);
      expect(await schemaExists(b.database.schema)).toBe(false);
      await a.close(); // a second close is harmless
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });

  test('a schema the caller names is kept', async () => {
    const schema = `t_named_${Date.now().toString(36)}`;
    const rt = await createTestRuntime({ databaseUrl: testDatabaseUrl(), schema, logger: silentLogger });
    await rt.close();
    expect(await schemaExists(schema)).toBe(true);
    const client = new Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    await client.query(`DROP SCHEMA "${schema}" CASCADE`);
    await client.end();
  });
});

describe('recordHooks', () => {
  test('records every action the runtime fires, with its arguments, in order; clear() and stop()', async () => {
    const rt = await createTestRuntime({ databaseUrl: testDatabaseUrl(), logger: silentLogger });
    try {
      const all = recordHooks(rt);
      const done = recordHooks(rt, [HOOKS.TRACK_EVENT_ACTIVITY_DONE]);
      await rt.api('contacts').createOrUpdate(contact);
      rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, event, true);
      await rt.drain();

      expect(all.calls.map((call) => call.hook)).toEqual([HOOKS.TRACK_EVENT_ACTIVITY, HOOKS.EVENT_TRACKED, HOOKS.TRACK_EVENT_ACTIVITY_DONE]);
      expect(all.of(HOOKS.TRACK_EVENT_ACTIVITY)).toEqual([[event, true]]);
      const [[tracked, subscriber]] = done.of(HOOKS.TRACK_EVENT_ACTIVITY_DONE) as [[{ event_key: string; counter: number }, { email: string }]];
      expect(tracked).toMatchObject({ event_key: 'fcrm_event_tested', counter: 1 });
      expect(subscriber).toMatchObject({ email: 'john@example.com' });
      expect(done.calls).toHaveLength(1);

      all.clear();
      expect(all.calls).toHaveLength(0);
      done.stop();
      expect(rt.hooks.hasAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE)).toBe(true); // `all` still listens
      await rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY, event, true);
      await rt.drain();
      expect(all.of(HOOKS.TRACK_EVENT_ACTIVITY_DONE)).toHaveLength(1);
      expect(done.calls).toHaveLength(1); // stopped: nothing new
      all.stop();
      expect(rt.hooks.hasAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE)).toBe(false);
    } finally {
      await rt.close();
    }
  });
});
