import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventTracking, FcrmError, HOOKS, silentLogger, type EventTrackingRuntime } from '../../src';
import { InvalidPropertiesError } from '../../src/definitions/invalidPropertiesError';
import { createContact } from '../helpers/fixtures';
import { openTestRuntime, testDatabaseUrl, type TestRuntime } from '../helpers/testRuntime';

const ROOT = join(__dirname, '..', '..');

const TOTAL_SCHEMA = { type: 'object', properties: { total: { type: 'number', minimum: 0 } }, required: ['total'] };

describe('event definitions through the API, the hook and the importer', () => {
  let t: TestRuntime;
  let contactId: number;
  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.reset();
    contactId = (await createContact(t.rt)).id;
  });

  const defs = () => t.rt.api('event_definitions');
  const rowsOf = async (key: string) =>
    (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM {schema}.fc_event_tracking WHERE lower(event_key) = lower($1)`, [key]))[0].n;

  test("api('event_tracker').track rejects an enforce failure with the tracker's error shape: code invalid_properties, message, errors", async () => {
    await defs().put('checkout', { schema: TOTAL_SCHEMA, mode: 'enforce' });
    const rejected = t.rt.api('event_tracker').track({ event_key: 'CHECKOUT', title: 'T', subscriber_id: contactId, value: { total: -1 } });
    await expect(rejected).rejects.toBeInstanceOf(FcrmError);
    const error = (await rejected.catch((e: unknown) => e)) as InvalidPropertiesError;
    expect(error.code).toBe('invalid_properties');
    expect(error.errors).toEqual([{ path: 'total', message: 'must be >= 0' }]);
    expect(error.toJSON()).toEqual({ code: 'invalid_properties', message: error.message, errors: error.errors });
    expect(await rowsOf('checkout')).toBe(0);
    await expect(t.rt.api('event_tracker').track({ event_key: 'checkout', title: 'T', subscriber_id: contactId, value: { total: 3 } })).resolves.toMatchObject({
      value: '{"total":3}',
    });
  });

  test('trackMany: per item, with errors; the hook: the failure action receives the error; nothing stored for either', async () => {
    await defs().put('signup', { schema: { type: 'string', maxLength: 5 }, mode: 'enforce' });
    const results = await t.rt.api('event_tracker').trackMany([
      { event_key: 'signup', title: 'a', subscriber_id: contactId, value: 'short' },
      { event_key: 'signup', title: 'b', subscriber_id: contactId, value: 'far too long' },
    ]);
    expect(results[0]).toMatchObject({ index: 0, id: expect.any(Number) as unknown as number });
    expect(results[1]).toEqual({ index: 1, error_code: 'invalid_properties', message: expect.any(String) as unknown as string, errors: [{ path: '', message: 'must NOT have more than 5 characters' }] });

    const failures: unknown[] = [];
    t.rt.hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_FAILED, 'test/definitions', (error: unknown) => {
      failures.push(error);
    });
    try {
      t.rt.hooks.doAction('fluent_crm/track_event_activity', { event_key: 'signup', title: 'c', subscriber_id: contactId, value: 'much too long' }, true);
      await t.rt.drain();
    } finally {
      t.rt.hooks.removeAction(HOOKS.TRACK_EVENT_ACTIVITY_FAILED, 'test/definitions');
    }
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(InvalidPropertiesError);
    expect((failures[0] as InvalidPropertiesError).errors).toEqual([{ path: '', message: 'must NOT have more than 5 characters' }]);
    expect(await rowsOf('signup')).toBe(1);
  });

  test('scalar values are checked with the type they were sent as; a missing value is null', async () => {
    await defs().put('score', { schema: { type: 'number' }, mode: 'enforce' });
    const track = (value: unknown) => t.rt.api('event_tracker').track({ event_key: 'score', title: 'T', subscriber_id: contactId, value });
    await expect(track(100)).resolves.toMatchObject({ value: '100' });
    await expect(track('100')).rejects.toMatchObject({ code: 'invalid_properties', errors: [{ path: '', message: 'must be number' }] });
    await expect(track(undefined)).rejects.toMatchObject({ errors: [{ path: '', message: 'must be number' }] });
    await defs().put('flag', { schema: { type: 'boolean', const: false }, mode: 'enforce' });
    await expect(t.rt.api('event_tracker').track({ event_key: 'flag', title: 'T', subscriber_id: contactId, value: false })).resolves.toMatchObject({ value: '' });
    await expect(t.rt.api('event_tracker').track({ event_key: 'flag', title: 'T', subscriber_id: contactId, value: true })).rejects.toMatchObject({ code: 'invalid_properties' });
    // The stored (sanitised) text is what is checked: tags are gone before maxLength counts.
    await defs().put('note', { schema: { type: 'string', maxLength: 4 }, mode: 'enforce' });
    await expect(t.rt.api('event_tracker').track({ event_key: 'note', title: 'T', subscriber_id: contactId, value: '<b>bold</b>' })).resolves.toMatchObject({ value: 'bold' });
  });

  test('report: a batch of 60 violations is counted in full and the newest 50 kept', async () => {
    await defs().put('pageview', { schema: { type: 'object', required: ['url'] }, mode: 'report' });
    const events = Array.from({ length: 60 }, (_, i) => ({ event_key: 'pageview', title: `P${i}`, subscriber_id: contactId, value: { n: i } }));
    const results = await t.rt.api('event_tracker').trackMany(events);
    expect(results.every((result) => 'id' in result)).toBe(true);
    const detail = await defs().get('pageview');
    expect(detail.violations).toBe(60);
    expect(detail.recent_violations).toHaveLength(50);
    const ids = results.map((result) => ('id' in result ? result.id : 0));
    expect(detail.recent_violations.map((v) => v.event_id)).toEqual(ids.slice(10).reverse());
    expect(detail.recent_violations[0].errors).toEqual([{ path: 'url', message: 'is required' }]);
    // A replay (same idempotency key) is not a second violation.
    const once = { event_key: 'pageview', title: 'Once', subscriber_id: contactId, value: {}, idempotency_key: 'k1' };
    await t.rt.api('event_tracker').trackMany([once]);
    await t.rt.api('event_tracker').trackMany([once]);
    expect((await defs().get('pageview')).violations).toBe(61);
  });

  test('definitions are cached: another process sees a change after its refresh interval (0 = every batch), never mid-interval', async () => {
    const stale = await createEventTracking({ databaseUrl: testDatabaseUrl(), schema: t.schema, logger: silentLogger, eventDefinitions: { refreshMs: 3_600_000 } });
    const eager = await createEventTracking({ databaseUrl: testDatabaseUrl(), schema: t.schema, logger: silentLogger, eventDefinitions: { refreshMs: 0 } });
    try {
      const event = { event_key: 'cross', title: 'T', subscriber_id: contactId, value: 'text' };
      const track = (rt: EventTrackingRuntime, title: string) => rt.api('event_tracker').track({ ...event, title });
      await track(stale, 'before'); // loads the (empty) definitions once
      await track(eager, 'before');
      await defs().put('cross', { schema: { type: 'object' }, mode: 'enforce' });
      await expect(track(eager, 'eager')).rejects.toMatchObject({ code: 'invalid_properties' });
      await expect(track(stale, 'stale')).resolves.toMatchObject({ title: 'stale' }); // within its interval: not read again
      await stale.api('event_definitions').refresh();
      await expect(track(stale, 'refreshed')).rejects.toMatchObject({ code: 'invalid_properties' });
      expect(stale.api('event_definitions').propertyType('CROSS', [])).toBeUndefined();

      await defs().delete('cross');
      await expect(track(eager, 'after delete')).resolves.toMatchObject({ title: 'after delete' });
    } finally {
      await stale.close();
      await eager.close();
    }
  });

  test('a stored schema this build cannot compile (edited by hand) is logged and not applied; tracking goes on', async () => {
    await defs().put('hand_edited', { schema: { type: 'object' }, mode: 'enforce' });
    await t.sql(`UPDATE {schema}.fc_event_definitions SET schema_json = '{"type": "objekt"}' WHERE event_key = 'hand_edited'`);
    await t.sql('UPDATE {schema}.fc_event_definitions_version SET version = version + 1');
    const logged: string[] = [];
    const logger = { error: (_details: object, message: string) => void logged.push(message), warn() {}, info() {} };
    const rt = await createEventTracking({ databaseUrl: testDatabaseUrl(), schema: t.schema, logger });
    try {
      await expect(rt.api('event_tracker').track({ event_key: 'hand_edited', title: 'T', subscriber_id: contactId, value: 'text' })).resolves.toMatchObject({ value: 'text' });
      expect(logged).toEqual(['An event definition could not be compiled; it is not applied']);
      expect(rt.api('event_definitions').snapshot().definition('hand_edited')).toBeUndefined();
    } finally {
      await rt.close();
    }
  });

  test('a bad refresh interval fails at start-up', async () => {
    await expect(createEventTracking({ databaseUrl: testDatabaseUrl(), logger: silentLogger, eventDefinitions: { refreshMs: -1 } })).rejects.toThrow('refreshMs');
  });

  test('npm run import: lines whose value fails an enforce definition are rejected with the reason', async () => {
    await defs().put('imported', { schema: TOTAL_SCHEMA, mode: 'enforce' });
    const email = (await t.rt.api('contacts').createOrUpdate({ email: 'importer@example.com' })).email;
    const dir = mkdtempSync(join(tmpdir(), 'fcrm-defs-'));
    try {
      const file = join(dir, 'events.ndjson');
      const lines = [
        { event_key: 'imported', title: 'A', email, value: { total: 1 } },
        { event_key: 'imported', title: 'B', email, value: { total: 'one' } },
        { event_key: 'imported', title: 'C', email, value: { total: 3 } },
      ];
      writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
      const run = await new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(
          process.execPath,
          ['-r', 'ts-node/register/transpile-only', 'src/cli/importEvents.ts', file],
          { cwd: ROOT, env: { ...process.env, DATABASE_URL: testDatabaseUrl(), FCRM_SCHEMA: t.schema }, timeout: 120_000 },
          (error, stdout) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout }),
        );
      });
      expect(run.stdout).toMatch(/line 2: invalid_properties: The value does not match the event definition of "imported": total must be number/);
      expect(await rowsOf('imported')).toBe(2);
      expect(run.code).toBe(0); // as for any rejected line: listed in the summary, the import completes
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
