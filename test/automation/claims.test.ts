import { HOOKS, type EventTrackingRuntime } from '../../src';
import { createContact } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';
import { hasEventKey, runRows, trackFor } from './automationFixtures';

// "Has run" lives in PostgreSQL: one run per contact and run-once automation, whatever the race,
// however many processes, across restarts.
describe('automations: the run-once claim', () => {
  let t: TestRuntime;
  const extra: EventTrackingRuntime[] = [];
  /** A second runtime on the same schema: another process, as far as the database can tell. */
  const sameSchemaRuntime = async () => {
    const other = await openTestRuntime({ schema: t.schema, poolSize: 4 });
    extra.push(other.rt);
    return other.rt;
  };

  beforeEach(async () => {
    t = await openTestRuntime();
  });
  afterEach(async () => {
    for (const rt of extra.splice(0)) await rt.close();
    await t.close();
  });

  test('two concurrent done actions for one contact and automation → exactly one run', async () => {
    const contacts = await Promise.all(Array.from({ length: 10 }, () => createContact(t.rt)));
    const ran: number[] = [];
    t.rt.automations.onEventRecorded({ id: 'once', event_key: 'signup', conditions: hasEventKey('signup') }, async ({ subscriber }) => {
      ran.push(subscriber.id);
    });
    for (const contact of contacts) {
      const event = await trackFor(t.rt, contact.id, 'signup', 'Signed up', false);
      await Promise.all([
        t.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY_DONE, event, contact, null),
        t.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY_DONE, event, contact, null),
      ]);
    }
    expect(ran.sort()).toEqual(contacts.map((c) => c.id).sort());
    expect(await runRows(t, 'once')).toHaveLength(contacts.length);
  });

  test('run_multiple: a redelivered done action (same delivery id) starts no second run; a new delivery does', async () => {
    const contact = await createContact(t.rt);
    let runs = 0;
    t.rt.automations.onEventRecorded({ id: 'every-time', event_key: 'visit', run_multiple: true }, () => {
      runs += 1;
    });
    const event = await trackFor(t.rt, contact.id, 'visit', 'Visited', false);
    const delivery = { id: '987654', attempt: 1 };
    await Promise.all([
      t.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY_DONE, event, contact, delivery),
      t.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY_DONE, event, contact, { ...delivery, attempt: 2 }),
    ]);
    expect(runs).toBe(1);
    await t.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY_DONE, event, contact, { id: '987655', attempt: 1 });
    await t.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY_DONE, event, contact, null); // no delivery id: runs
    expect(runs).toBe(3);
    expect(await runRows(t, 'every-time')).toHaveLength(3);
  });

  test('concurrent tracking calls through the hook start a run-once automation once', async () => {
    const contact = await createContact(t.rt);
    let runs = 0;
    t.rt.automations.onEventRecorded({ id: 'burst', event_key: 'click' }, () => {
      runs += 1;
    });
    for (let i = 0; i < 20; i++) {
      t.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, { event_key: 'click', title: 'Button', subscriber_id: contact.id }, true);
    }
    await t.rt.drain();
    expect(runs).toBe(1);
    expect(await t.sql('SELECT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: 20 }]);
    expect(await runRows(t, 'burst')).toHaveLength(1);
  });

  test('two runtimes on one schema (two processes) receiving the same done action start it once', async () => {
    const second = await sameSchemaRuntime();
    const calls: Array<[string, number]> = [];
    for (const [name, rt] of [['first', t.rt], ['second', second]] as const) {
      rt.automations.onEventRecorded({ id: 'shared', event_key: 'signup', conditions: hasEventKey('signup') }, ({ subscriber }) => {
        calls.push([name, subscriber.id]);
      });
    }
    const contacts = await Promise.all(Array.from({ length: 10 }, () => createContact(t.rt)));
    for (const contact of contacts) {
      const event = await trackFor(t.rt, contact.id, 'signup', 'Signed up', false);
      await Promise.all([
        t.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY_DONE, event, contact, null),
        second.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY_DONE, event, contact, null),
      ]);
    }
    // One run per contact, by whichever process claimed it first.
    expect(calls.map(([, id]) => id).sort()).toEqual(contacts.map((c) => c.id).sort());
    expect(await runRows(t, 'shared')).toHaveLength(contacts.length);
  });

  test('the claim survives a restart: a new runtime on the same schema does not run it again', async () => {
    const contact = await createContact(t.rt);
    const before = await sameSchemaRuntime();
    let runs = 0;
    const define = (rt: EventTrackingRuntime) =>
      rt.automations.onEventRecorded({ id: 'welcome', event_key: 'signup' }, () => {
        runs += 1;
      });
    define(before);
    await trackFor(before, contact.id, 'signup', 'Signed up');
    expect(runs).toBe(1);
    await before.close();

    const after = await sameSchemaRuntime();
    define(after);
    await trackFor(after, contact.id, 'signup', 'Signed up');
    await trackFor(after, contact.id, 'signup', 'Again');
    expect(runs).toBe(1);
    expect(await runRows(t, 'welcome')).toHaveLength(1);
  });

  test('run_multiple history counts as "has run" when an automation becomes run-once', async () => {
    const contact = await createContact(t.rt);
    let runs = 0;
    const off = t.rt.automations.onEventRecorded({ id: 'changed', event_key: 'visit', run_multiple: true }, () => {
      runs += 1;
    });
    await trackFor(t.rt, contact.id, 'visit', 'Home');
    off();
    t.rt.automations.onEventRecorded({ id: 'changed', event_key: 'visit' }, () => {
      runs += 1;
    });
    await trackFor(t.rt, contact.id, 'visit', 'Home');
    expect(runs).toBe(1);
  });

  test('another automation, or another contact, has its own claim; deleting the contact removes its runs', async () => {
    const a = await createContact(t.rt);
    const b = await createContact(t.rt);
    const ran: string[] = [];
    for (const id of ['first', 'second']) {
      t.rt.automations.onEventRecorded({ id, event_key: 'signup' }, ({ subscriber }) => {
        ran.push(`${id}:${subscriber.id}`);
      });
    }
    await trackFor(t.rt, a.id, 'signup', 'Signed up');
    await trackFor(t.rt, b.id, 'signup', 'Signed up');
    expect(ran).toEqual([`first:${a.id}`, `second:${a.id}`, `first:${b.id}`, `second:${b.id}`]);
    await t.rt.api('contacts').delete(a.id);
    expect((await runRows(t)).map((r) => Number(r.subscriber_id))).toEqual([b.id, b.id]);
  });

  test('close() unregisters the automations and refuses new ones', async () => {
    const rt = await sameSchemaRuntime();
    rt.automations.onEventRecorded({ id: 'closing', event_key: 'signup' }, () => undefined);
    await rt.close();
    expect(rt.automations.ids()).toEqual([]);
    expect(rt.hooks.hasAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE)).toBe(false);
    expect(() => rt.automations.onEventRecorded({ id: 'late', event_key: 'signup' }, () => undefined)).toThrow(
      expect.objectContaining({ code: 'runtime_closed' }),
    );
  });
});
