import { addEventAction, AutomationFailedError, HOOKS, MAX_CHAIN_DEPTH } from '../../src';
import { createContact } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';
import { runRows, trackFor } from './automationFixtures';

// What an automation does: the "add event" action, chains, and failures.
describe('automations: add event, chains and failures', () => {
  let t: TestRuntime;
  const cleanups: Array<() => void> = [];
  const register = (...args: Parameters<TestRuntime['rt']['automations']['onEventRecorded']>) => {
    cleanups.push(t.rt.automations.onEventRecorded(...args));
  };
  const listen = (hook: string, ns: string, fn: (...args: never[]) => unknown, priority?: number) => {
    t.rt.hooks.addAction(hook, ns, fn, priority);
    cleanups.push(() => t.rt.hooks.removeAction(hook, ns));
  };

  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  test('addEvent tracks for the contact the automation runs for, fires the done action, and chains', async () => {
    const contact = await createContact(t.rt);
    const bystander = await createContact(t.rt);
    const done: Array<[string, number]> = [];
    listen(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/done', (event: { event_key: string }, subscriber: { id: number }) => {
      done.push([event.event_key, subscriber.id]);
    });
    const chained: number[] = [];
    register({ id: 'welcome', event_key: 'signup' }, async ({ addEvent }) => {
      // Identifiers in the data are ignored: the event always belongs to this run's contact.
      const data = { event_key: 'welcome_sent', title: 'Welcome e-mail', value: { template: 3 }, email: bystander.email, subscriber_id: bystander.id };
      const stored = await addEvent(data);
      expect(stored).toMatchObject({ subscriber_id: contact.id, event_key: 'welcome_sent', provider: 'custom', value: '{"template":3}' });
    });
    register({ id: 'after-welcome', event_key: 'welcome_sent' }, ({ subscriber }) => {
      chained.push(subscriber.id);
    });

    await trackFor(t.rt, contact.id, 'signup', 'Signed up');
    expect(done).toEqual([
      ['signup', contact.id],
      ['welcome_sent', contact.id],
    ]);
    expect(chained).toEqual([contact.id]);
    const rows = await t.sql('SELECT subscriber_id, event_key FROM {schema}.fc_event_tracking ORDER BY id');
    expect(rows).toEqual([
      { subscriber_id: String(contact.id), event_key: 'signup' },
      { subscriber_id: String(contact.id), event_key: 'welcome_sent' },
    ]);
    expect((await runRows(t)).map((r) => [r.automation_id, r.status])).toEqual([
      ['welcome', 'completed'],
      ['after-welcome', 'completed'],
    ]);
  });

  test('addEvent(data, false) stores the event without the done action; a provider is kept', async () => {
    const contact = await createContact(t.rt);
    let chained = 0;
    register({ id: 'quiet', event_key: 'signup' }, async ({ addEvent }) => {
      await addEvent({ event_key: 'tagged', title: 'Tagged', provider: 'shop' }, false);
    });
    register({ id: 'never', event_key: 'tagged' }, () => {
      chained += 1;
    });
    await trackFor(t.rt, contact.id, 'signup', 'Signed up');
    expect(chained).toBe(0);
    expect(await t.sql('SELECT event_key, provider FROM {schema}.fc_event_tracking ORDER BY id')).toEqual([
      { event_key: 'signup', provider: 'custom' },
      { event_key: 'tagged', provider: 'shop' },
    ]);
  });

  test('addEventAction(rt, subscriberId, data) is the same action outside a handler', async () => {
    const contact = await createContact(t.rt);
    const event = await addEventAction(t.rt, contact.id, { event_key: 'imported', title: 'Imported', email: 'x@example.com' } as never);
    expect(event).toMatchObject({ subscriber_id: contact.id, event_key: 'imported', counter: 1 });
    await expect(addEventAction(t.rt, 'abc', { event_key: 'k', title: 'T' })).rejects.toMatchObject({ code: 'subscriber_not_found' });
    await expect(addEventAction(t.rt, contact.id, { event_key: '', title: 'T' })).rejects.toMatchObject({ code: 'invalid_data' });
  });

  test('a throwing handler neither undoes the event nor stops other listeners; it is announced and recorded', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const contact = await createContact(t.rt);
      const calls: string[] = [];
      const failures: Array<[unknown, string]> = [];
      listen(HOOKS.LISTENER_FAILED, 'test/failures', (error: unknown, hook: string) => failures.push([error, hook]));
      listen(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/last', () => calls.push('listener'), 20);
      register({ id: 'broken', event_key: 'signup' }, () => {
        throw new Error('handler bug');
      });
      register({ id: 'broken-async', event_key: 'signup' }, async () => {
        throw new Error('async handler bug');
      });
      register({ id: 'healthy', event_key: 'signup' }, () => {
        calls.push('healthy');
      });

      const event = await trackFor(t.rt, contact.id, 'signup', 'Signed up');
      expect(calls).toEqual(['healthy', 'listener']);
      expect(await t.sql('SELECT id FROM {schema}.fc_event_tracking')).toEqual([{ id: String(event.id) }]);
      expect(failures.map(([, hook]) => hook)).toEqual([HOOKS.TRACK_EVENT_ACTIVITY_DONE, HOOKS.TRACK_EVENT_ACTIVITY_DONE]);
      const [first, second] = failures.map(([error]) => error as AutomationFailedError);
      expect(first).toBeInstanceOf(AutomationFailedError);
      expect(first).toMatchObject({ code: 'automation_failed', automationId: 'broken', subscriberId: contact.id });
      expect(first.message).toBe(`Automation "broken" failed for contact ${contact.id} (run ${first.runId}): handler bug`);
      expect((first.cause as Error).message).toBe('handler bug');
      expect(second).toMatchObject({ automationId: 'broken-async', cause: expect.objectContaining({ message: 'async handler bug' }) });
      expect((await runRows(t)).map((r) => [r.automation_id, r.status, r.error])).toEqual([
        ['broken', 'failed', 'Error: handler bug'],
        ['broken-async', 'failed', 'Error: async handler bug'],
        ['healthy', 'completed', null],
      ]);

      // At most once: the failed run keeps its claim.
      await trackFor(t.rt, contact.id, 'signup', 'Signed up');
      expect(failures).toHaveLength(2);

      // Fired with a sync doAction (no caller to reject to), a failure is still only reported.
      const other = await createContact(t.rt);
      const otherEvent = await trackFor(t.rt, other.id, 'signup', 'Signed up', false);
      t.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, otherEvent, other, null);
      await t.rt.drain();
      await new Promise((resolve) => setImmediate(resolve));
      expect(failures).toHaveLength(4);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('an automation that keeps starting itself stops after MAX_CHAIN_DEPTH runs, with a reported error', async () => {
    const contact = await createContact(t.rt);
    const failures: unknown[] = [];
    listen(HOOKS.LISTENER_FAILED, 'test/loop', (error: unknown) => failures.push(error));
    let runs = 0;
    register({ id: 'echo', event_key: 'ping', run_multiple: true }, async ({ addEvent }) => {
      runs += 1;
      await addEvent({ event_key: 'ping', title: 'Ping' });
    });
    await trackFor(t.rt, contact.id, 'ping', 'Ping');
    expect(runs).toBe(MAX_CHAIN_DEPTH);
    expect(await t.sql('SELECT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: MAX_CHAIN_DEPTH + 1 }]);
    expect(failures).toEqual([expect.objectContaining({ code: 'automation_loop' })]);
  });
});
