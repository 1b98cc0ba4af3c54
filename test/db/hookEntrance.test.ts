import { HOOKS, type TrackEventData } from '../../src';
import { createContact, SEED_EVENT } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

describe('the hook entrance and the after-commit hooks', () => {
  let t: TestRuntime;
  const namespaces: Array<[string, string]> = [];
  const listen = (hook: string, ns: string, fn: (...args: never[]) => unknown, priority?: number) => {
    t.rt.hooks.addAction(hook, ns, fn, priority);
    namespaces.push([hook, ns]);
  };

  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());
  afterEach(() => {
    for (const [hook, ns] of namespaces.splice(0)) t.rt.hooks.removeAction(hook, ns);
  });

  test('done listeners run after commit: another connection already sees the row', async () => {
    const contact = await createContact(t.rt);
    const seen: unknown[] = [];
    listen(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/commit', async (event: { id: number }) => {
      seen.push(...(await t.sql('SELECT id, counter FROM {schema}.fc_event_tracking WHERE id = $1', [event.id])));
    });
    const row = await t.rt.api('event_tracker').track({ ...SEED_EVENT, subscriber_id: contact.id }, true);
    expect(seen).toEqual([{ id: String(row.id), counter: 1 }]);
  });

  test('fluent_crm/event_tracked fires always; the done action only when fireDone is true', async () => {
    const contact = await createContact(t.rt);
    const fired: string[] = [];
    listen(HOOKS.EVENT_TRACKED, 'test/order', () => fired.push('tracked'));
    listen(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/order', () => fired.push('done'));
    t.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, { ...SEED_EVENT, subscriber_id: contact.id });
    await t.rt.drain();
    expect(fired).toEqual(['tracked']);
    t.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, { ...SEED_EVENT, subscriber_id: contact.id }, true);
    await t.rt.drain();
    expect(fired).toEqual(['tracked', 'tracked', 'done']);
  });

  test("the done action waits for event_tracked's async listeners; the next event's hooks wait for both", async () => {
    const contact = await createContact(t.rt);
    const fired: string[] = [];
    listen(HOOKS.EVENT_TRACKED, 'test/slow', async (event: { event_key: string }) => {
      fired.push(`tracked ${event.event_key}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      fired.push(`tracked ${event.event_key} finished`);
    });
    listen(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/slow', (event: { event_key: string }) => fired.push(`done ${event.event_key}`));
    for (const key of ['a', 'b']) t.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, { ...SEED_EVENT, event_key: key, subscriber_id: contact.id }, true);
    await t.rt.drain();
    expect(fired).toEqual(['tracked a', 'tracked a finished', 'done a', 'tracked b', 'tracked b finished', 'done b']);
  });

  test('with nobody listening the after-commit hooks still run (didAction counts them), and a listener added later is reached', async () => {
    const contact = await createContact(t.rt);
    const tracked = t.rt.hooks.didAction(HOOKS.EVENT_TRACKED);
    const done = t.rt.hooks.didAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE);
    await t.rt.api('event_tracker').track({ ...SEED_EVENT, subscriber_id: contact.id }, true);
    expect(t.rt.hooks.didAction(HOOKS.EVENT_TRACKED)).toBe(tracked + 1);
    expect(t.rt.hooks.didAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE)).toBe(done + 1);
    const seen: number[] = [];
    listen(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/late', (event: { counter: number }) => {
      seen.push(event.counter);
    });
    await t.rt.api('event_tracker').track({ ...SEED_EVENT, subscriber_id: contact.id }, true);
    expect(seen).toEqual([2]);
  });

  test('a throwing listener neither undoes the row nor stops the other listeners; the failure is announced', async () => {
    const contact = await createContact(t.rt);
    const calls: string[] = [];
    const failures: Array<[string, string]> = [];
    listen(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/first', () => calls.push('first'), 5);
    listen(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/throws', () => {
      throw new Error('listener bug');
    });
    listen(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/rejects', async () => {
      throw new Error('async listener bug');
    }, 11);
    listen(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/last', () => calls.push('last'), 20);
    listen(HOOKS.LISTENER_FAILED, 'test/failures', (error: Error, hook: string) => failures.push([error.message, hook]));

    const row = await t.rt.api('event_tracker').track({ ...SEED_EVENT, subscriber_id: contact.id }, true);
    expect(calls).toEqual(['first', 'last']);
    expect(failures).toEqual([
      ['listener bug', HOOKS.TRACK_EVENT_ACTIVITY_DONE],
      ['async listener bug', HOOKS.TRACK_EVENT_ACTIVITY_DONE],
    ]);
    expect(await t.sql('SELECT id FROM {schema}.fc_event_tracking')).toEqual([{ id: String(row.id) }]);
  });

  test('a failure on the hook path fires fluent_crm/track_event_activity_failed(error, data), with no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const failed: Array<[unknown, unknown]> = [];
      listen(HOOKS.TRACK_EVENT_ACTIVITY_FAILED, 'test/failed', (error: unknown, data: unknown) => failed.push([error, data]));
      const data = { event_key: 'k', title: 'T', email: 'nobody@example.com' };
      t.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, data, true);
      t.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, { title: 'no key' } as unknown as TrackEventData); // the runtime validates
      await t.rt.drain();
      await new Promise((resolve) => setImmediate(resolve));
      expect(failed).toHaveLength(2);
      const byCode = (code: string) => failed.find(([error]) => (error as { code?: string }).code === code);
      expect(byCode('subscriber_not_found')?.[0]).toMatchObject({ message: 'Subscriber not found' });
      expect(byCode('subscriber_not_found')?.[1]).toBe(data);
      expect(byCode('invalid_data')?.[0]).toMatchObject({ message: 'Invalid data provided. key and event are required' });
      expect(unhandled).toEqual([]);
      expect(await t.sql('SELECT count(*)::int AS n FROM {schema}.fc_event_tracking')).toEqual([{ n: 0 }]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('doActionAsync resolves after the event is stored and its listeners ran', async () => {
    const contact = await createContact(t.rt);
    let doneRan = false;
    listen(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/async', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      doneRan = true;
    });
    await t.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY, { ...SEED_EVENT, subscriber_id: contact.id }, true);
    expect(doneRan).toBe(true);
    expect(await t.sql('SELECT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: 1 }]);
  });

  test('drain() also waits for work that a listener starts', async () => {
    const contact = await createContact(t.rt);
    listen(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/chain', (event: { event_key: string }) => {
      if (event.event_key === 'first') {
        t.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, { event_key: 'second', title: 'Chained', subscriber_id: contact.id }, true);
      }
    });
    t.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, { event_key: 'first', title: 'Start', subscriber_id: contact.id }, true);
    await t.rt.drain();
    const keys = await t.sql<{ event_key: string }>('SELECT event_key FROM {schema}.fc_event_tracking ORDER BY id');
    expect(keys.map((r) => r.event_key)).toEqual(['first', 'second']);
  });

  test('the runtime listener sits on fluent_crm/track_event_activity at priority 10, so a plugin can run before it', async () => {
    const contact = await createContact(t.rt);
    const order: string[] = [];
    listen(HOOKS.TRACK_EVENT_ACTIVITY, 'test/before', () => order.push('before'), 9);
    listen(HOOKS.EVENT_TRACKED, 'test/after', () => order.push('tracked'));
    await t.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY, { ...SEED_EVENT, subscriber_id: contact.id });
    expect(order).toEqual(['before', 'tracked']);
    expect(t.rt.hooks.hasAction(HOOKS.TRACK_EVENT_ACTIVITY, 'fcrm-event-tracking/tracker')).toBe(true);
  });
});
