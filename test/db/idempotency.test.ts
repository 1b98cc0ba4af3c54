import { HOOKS, type TrackEventData } from '../../src';
import { sqlRunner } from '../../src/db/preparedStatements';
import { tableNames } from '../../src/db/tableNames';
import { EventWriter, type EventWrite } from '../../src/tracking/eventWriter';
import { createContact, SEED_EVENT } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

describe('idempotency keys', () => {
  let t: TestRuntime;
  let done: Array<{ counter: number }>;
  beforeAll(async () => {
    t = await openTestRuntime();
    t.rt.hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/idempotency', (event: { counter: number }) => {
      done.push(event);
    });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    done = [];
    await t.reset();
    await t.sql('TRUNCATE {schema}.fc_event_idempotency_keys, {schema}.fc_event_outbox, {schema}.fc_event_occurrences');
  });

  const counter = async () => (await t.sql<{ counter: number }>('SELECT counter FROM {schema}.fc_event_tracking'))[0]?.counter;

  test('a retried API call returns the first result and neither counts nor fires the done action again', async () => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    const first = await api.track({ ...SEED_EVENT, email: contact.email, idempotency_key: 'order-1001' }, true);
    const retry = await api.track({ ...SEED_EVENT, email: contact.email, idempotency_key: 'order-1001' }, true);
    expect(retry).toEqual(first);
    expect(await counter()).toBe(1);
    expect(done).toHaveLength(1);
    // Another key is another occurrence.
    expect((await api.track({ ...SEED_EVENT, email: contact.email, idempotency_key: 'order-1002' }, true)).counter).toBe(2);
    expect(done.map((e) => e.counter)).toEqual([1, 2]);
  });

  test('20 concurrent calls with one key: one increment, one done action, the same result for all', async () => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => api.track({ ...SEED_EVENT, subscriber_id: contact.id, idempotency_key: 'retry-storm' }, true)),
    );
    expect(new Set(results.map((r) => `${r.id}:${r.counter}`))).toEqual(new Set([`${results[0].id}:1`]));
    expect(await counter()).toBe(1);
    expect(done).toHaveLength(1);
  });

  test('through the hook entrance, also fired concurrently', async () => {
    const contact = await createContact(t.rt);
    for (let i = 0; i < 10; i += 1) {
      t.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, { ...SEED_EVENT, email: contact.email, idempotency_key: 'hook-key' }, true);
    }
    await t.rt.drain();
    expect(await counter()).toBe(1);
    expect(done).toHaveLength(1);
  });

  test('keys are per contact: the same key for two contacts applies to each', async () => {
    const a = await createContact(t.rt);
    const b = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    await api.track({ ...SEED_EVENT, subscriber_id: a.id, idempotency_key: 'shared' });
    await api.track({ ...SEED_EVENT, subscriber_id: b.id, idempotency_key: 'shared' });
    expect(await t.sql('SELECT counter FROM {schema}.fc_event_tracking ORDER BY subscriber_id')).toEqual([{ counter: 1 }, { counter: 1 }]);
  });

  test('after the retention window the key can be applied again', async () => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    await api.track({ ...SEED_EVENT, subscriber_id: contact.id, idempotency_key: 'old' });
    await t.sql(`UPDATE {schema}.fc_event_idempotency_keys SET created_at = now() - interval '25 hours'`);
    await t.rt.retention.prune();
    expect((await api.track({ ...SEED_EVENT, subscriber_id: contact.id, idempotency_key: 'old' })).counter).toBe(2);
  });

  test('a key whose events were deleted outside the API is applied again instead of failing', async () => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    await api.track({ ...SEED_EVENT, subscriber_id: contact.id, idempotency_key: 'orphaned' });
    await t.sql('DELETE FROM {schema}.fc_event_tracking'); // history and outbox go with it; the claim stays
    const again = await api.track({ ...SEED_EVENT, subscriber_id: contact.id, idempotency_key: 'orphaned' });
    expect(again.counter).toBe(1);
    expect((await api.track({ ...SEED_EVENT, subscriber_id: contact.id, idempotency_key: 'orphaned' })).counter).toBe(1);
    expect(await counter()).toBe(1);
  });

  test.each([
    ['value', { value: 'another value' }],
    ['title', { title: 'Another title' }],
    ['event_key', { event_key: 'another_key' }],
    ['provider', { provider: 'shop' }],
    ['occurred_at', { occurred_at: '2026-01-02T03:04:05Z' }],
  ])('the same key with another %s: idempotency_key_mismatch, nothing counted or fired, the key still replays its event', async (_name, change) => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    const event = { ...SEED_EVENT, subscriber_id: contact.id, idempotency_key: 'order-7' };
    const first = await api.track(event, true);
    await expect(api.track({ ...event, ...change }, true)).rejects.toMatchObject({
      name: 'FcrmError',
      code: 'idempotency_key_mismatch',
      message: expect.stringContaining('"order-7" was already used for a different event'),
    });
    expect(await t.sql('SELECT count(*)::int AS n, sum(counter)::int AS counted FROM {schema}.fc_event_tracking')).toEqual([{ n: 1, counted: 1 }]);
    expect(await t.sql('SELECT count(*)::int AS n FROM {schema}.fc_event_occurrences')).toEqual([{ n: 1 }]);
    expect(done).toHaveLength(1);
    expect(await api.track(event, true)).toEqual(first); // the same event stays a replay
  });

  test('the key and title in another case name the same event: a replay, not a mismatch', async () => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    const first = await api.track({ ...SEED_EVENT, subscriber_id: contact.id, idempotency_key: 'case' });
    const again = await api.track({ ...SEED_EVENT, event_key: SEED_EVENT.event_key.toUpperCase(), title: SEED_EVENT.title.toLowerCase(), subscriber_id: contact.id, idempotency_key: 'case' });
    expect(again).toEqual(first);
    expect(await counter()).toBe(1);
  });

  test('a claim made before fingerprints (NULL) is taken as a match: a replay, as before', async () => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    const first = await api.track({ ...SEED_EVENT, subscriber_id: contact.id, idempotency_key: 'legacy' });
    await t.sql('UPDATE {schema}.fc_event_idempotency_keys SET fingerprint = NULL');
    expect(await api.track({ ...SEED_EVENT, subscriber_id: contact.id, idempotency_key: 'legacy', value: 'other' })).toEqual(first);
    expect(await counter()).toBe(1);
  });

  test('20 concurrent calls with one key and 20 different values: one stored, 19 mismatches', async () => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => api.track({ ...SEED_EVENT, subscriber_id: contact.id, idempotency_key: 'race', value: `v${i}` }, true)),
    );
    const stored = settled.filter((r) => r.status === 'fulfilled');
    const rejected = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as { code: string }] : []));
    expect(stored).toHaveLength(1);
    expect(rejected.map((e) => e.code)).toEqual(Array(19).fill('idempotency_key_mismatch'));
    expect(await counter()).toBe(1);
    expect(done).toHaveLength(1);
  });

  test('the write statement itself, 20 at once on separate connections, one key, different events: one claim wins, 19 mismatches', async () => {
    const contact = await createContact(t.rt);
    // The bare writer, without the tracker's per-tick batching or coalescing: 20 statements race in PostgreSQL.
    const writer = new EventWriter(sqlRunner(t.rt.dataSource, false), tableNames(t.schema), null);
    const write = (value: string): EventWrite => ({
      subscriberId: String(contact.id),
      createdBy: 0,
      provider: 'custom',
      eventKey: 'paid',
      title: 'Paid',
      value,
      occurredAt: null,
      idempotencyKey: 'statement-race',
      fireDone: false,
    });
    for (let round = 0; round < 3; round += 1) {
      await t.sql('TRUNCATE {schema}.fc_event_idempotency_keys');
      await t.sql('DELETE FROM {schema}.fc_event_tracking');
      const outcomes = (await Promise.all(Array.from({ length: 20 }, (_, i) => writer.write([write(`v${i}`)])))).map(([o]) => o);
      expect(outcomes.filter((o) => !o.mismatch && !o.replayed)).toHaveLength(1);
      expect(outcomes.filter((o) => o.mismatch)).toHaveLength(19);
      expect(await counter()).toBe(1);
      // The same event as the winner replays; any other is a mismatch.
      const winner = outcomes.findIndex((o) => !o.mismatch);
      const [again] = await writer.write([write(`v${winner}`)]);
      expect(again).toMatchObject({ replayed: true });
      expect((await writer.write([write('v-other')]))[0]).toEqual({ mismatch: true });
    }
  });

  test.each([
    ['too long', 'k'.repeat(192)],
    ['an object', { a: 1 }],
    ['whitespace only', '   '],
  ])('an idempotency_key that is %s is invalid_data, nothing stored', async (_name, idempotency_key) => {
    const contact = await createContact(t.rt);
    await expect(t.rt.api('event_tracker').track({ ...SEED_EVENT, subscriber_id: contact.id, idempotency_key: idempotency_key as TrackEventData['idempotency_key'] })).rejects.toMatchObject({
      code: 'invalid_data',
      message: expect.stringContaining('idempotency_key'),
    });
    expect(await counter()).toBeUndefined();
  });
});
