import { HOOKS, type AutomationRun, type ContactRecord, type TrackedEventRecord } from '../../src';
import { createContact } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';
import { hasEventKey, runRows, trackFor } from './automationFixtures';

// The "Tracking Event Recorded" trigger on a real database, driven through the real tracker and hooks.
describe('automations: the event-recorded trigger', () => {
  let t: TestRuntime;
  const offs: Array<() => void> = [];
  const register = (...args: Parameters<TestRuntime['rt']['automations']['onEventRecorded']>) => {
    const off = t.rt.automations.onEventRecorded(...args);
    offs.push(off);
    return off;
  };

  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());
  afterEach(() => {
    for (const off of offs.splice(0)) off();
  });

  test('the minimum count is reached on the third event: it runs once (not on 1, 2 or 4)', async () => {
    const contact = await createContact(t.rt);
    const counters: number[] = [];
    register({ id: 'third-visit', event_key: 'Visited_Pricing', minimum_event_count: 3 }, ({ event }) => {
      counters.push(event.counter);
    });
    const events = [];
    for (let i = 1; i <= 4; i++) {
      events.push(await trackFor(t.rt, contact.id, 'visited_pricing', 'Pricing page'));
      expect(counters).toEqual(i < 3 ? [] : [3]);
    }
    expect(events.map((e) => e.counter)).toEqual([1, 2, 3, 4]);
    expect(await runRows(t)).toEqual([
      { automation_id: 'third-visit', subscriber_id: String(contact.id), event_id: String(events[2].id), run_once: true, status: 'completed', error: null },
    ]);
  });

  test('the handler gets the automation id, the event, the contact and its run id', async () => {
    const contact = await createContact(t.rt, { first_name: 'Ada' });
    const runs: AutomationRun[] = [];
    register({ id: 'welcome', event_key: 'signup' }, (run) => {
      runs.push(run);
    });
    const event = await trackFor(t.rt, contact.id, 'signup', 'Signed up');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ automationId: 'welcome', event, subscriber: { id: contact.id, first_name: 'Ada', status: 'subscribed' } });
    const [row] = await t.sql<{ id: string }>('SELECT id FROM {schema}.fc_automation_runs');
    expect(runs[0].runId).toBe(Number(row.id));
  });

  test('run_multiple runs every time the trigger matches, from the minimum on', async () => {
    const contact = await createContact(t.rt);
    const counters: number[] = [];
    register({ id: 'every-visit', event_key: 'visit', minimum_event_count: 2, run_multiple: true }, ({ event }) => {
      counters.push(event.counter);
    });
    for (let i = 0; i < 4; i++) await trackFor(t.rt, contact.id, 'VISIT', 'Home');
    expect(counters).toEqual([2, 3, 4]);
    const rows = await runRows(t, 'every-visit');
    expect(rows.map((r) => [r.run_once, r.status])).toEqual([
      [false, 'completed'],
      [false, 'completed'],
      [false, 'completed'],
    ]);
  });

  test('the counter is per key and title, as stored: another title starts its own count', async () => {
    const contact = await createContact(t.rt);
    const runs: string[] = [];
    register({ id: 'two-of-a-kind', event_key: 'viewed', minimum_event_count: 2, run_multiple: true }, ({ event }) => {
      runs.push(event.title);
    });
    await trackFor(t.rt, contact.id, 'viewed', 'A');
    await trackFor(t.rt, contact.id, 'viewed', 'B');
    expect(runs).toEqual([]);
    await trackFor(t.rt, contact.id, 'viewed', 'b');
    expect(runs).toEqual(['B']);
  });

  test('only the done action starts automations: fireDone false, another key, or event_tracked alone do nothing', async () => {
    const contact = await createContact(t.rt);
    let runs = 0;
    register({ id: 'signup-only', event_key: 'signup' }, () => {
      runs += 1;
    });
    await trackFor(t.rt, contact.id, 'signup', 'Signed up', false);
    await trackFor(t.rt, contact.id, 'signup_page', 'Signed up');
    await trackFor(t.rt, contact.id, 'sign', 'Signed up');
    expect(runs).toBe(0);
    expect(await runRows(t)).toEqual([]);
  });

  test.each(['unsubscribed', 'pending', 'bounced', 'complained'] as const)('a %s contact never runs an automation', async (status) => {
    const contact = await createContact(t.rt, { status });
    let runs = 0;
    register({ id: `never-${status}`, event_key: 'signup', run_multiple: true }, () => {
      runs += 1;
    });
    for (let i = 0; i < 3; i++) await trackFor(t.rt, contact.id, 'signup', 'Signed up');
    expect(runs).toBe(0);
    expect(await runRows(t)).toEqual([]);
    // The events themselves are tracked: unsubscribed contacts are tracked.
    expect(await t.sql('SELECT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: 3 }]);
  });

  test('the stored status decides too: a stale "subscribed" in the done action does not start it', async () => {
    const contact = await createContact(t.rt);
    const event = await trackFor(t.rt, contact.id, 'signup', 'Signed up', false);
    await t.rt.api('contacts').createOrUpdate({ email: contact.email, status: 'unsubscribed' });
    let runs = 0;
    register({ id: 'stale', event_key: 'signup' }, () => {
      runs += 1;
    });
    await t.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY_DONE, event, contact, null); // contact.status is still 'subscribed'
    expect(runs).toBe(0);
    expect(await runRows(t)).toEqual([]);
  });

  test('conditions false → no run (and no claim); once they hold → it runs', async () => {
    const buyer = await createContact(t.rt);
    const browser = await createContact(t.rt);
    await trackFor(t.rt, buyer.id, 'Purchased', 'Order #1', false);
    const ran: number[] = [];
    register({ id: 'buyer-visits', event_key: 'visited', conditions: hasEventKey('purchased') }, ({ subscriber }) => {
      ran.push(subscriber.id);
    });

    await trackFor(t.rt, browser.id, 'visited', 'Pricing');
    await trackFor(t.rt, buyer.id, 'visited', 'Pricing');
    expect(ran).toEqual([buyer.id]);
    expect((await runRows(t)).map((r) => Number(r.subscriber_id))).toEqual([buyer.id]);

    // The browser never ran it (conditions were false), so it may run once they hold.
    await trackFor(t.rt, browser.id, 'purchased', 'Order #2', false);
    await trackFor(t.rt, browser.id, 'visited', 'Pricing');
    expect(ran).toEqual([buyer.id, browser.id]);
  });

  test('conditions on counts and values: groups are ORed, items ANDed', async () => {
    const loyal = await createContact(t.rt);
    const vip = await createContact(t.rt);
    const other = await createContact(t.rt);
    for (let i = 0; i < 3; i++) await trackFor(t.rt, loyal.id, 'order', 'Order', false);
    await t.rt.api('event_tracker').track({ event_key: 'tier', title: 'Tier', value: 'vip', subscriber_id: vip.id });
    await t.rt.api('event_tracker').track({ event_key: 'tier', title: 'Tier', value: 'basic', subscriber_id: other.id });
    const conditions = [
      [{ source: ['event_tracking', 'event_tracking_key_count'], operator: '>', value: '2', extra_value: 'order' }],
      [
        { source: ['event_tracking', 'event_tracking_key'], operator: 'in', value: ['tier'] },
        { source: ['event_tracking', 'event_tracking_value'], operator: '=', value: 'VIP', extra_value: 'tier' },
      ],
    ];
    const ran: number[] = [];
    register({ id: 'loyal-or-vip', event_key: 'login', conditions }, ({ subscriber }) => {
      ran.push(subscriber.id);
    });
    for (const contact of [loyal, vip, other]) await trackFor(t.rt, contact.id, 'login', 'Login');
    expect(ran.sort()).toEqual([loyal.id, vip.id].sort());
    expect(await t.rt.automations.checkConditions(other.id, conditions)).toBe(false);
  });

  test('checkConditions is public: one contact against filter groups; no groups is true', async () => {
    const contact = await createContact(t.rt);
    await trackFor(t.rt, contact.id, 'Signup', 'Signed up', false);
    await expect(t.rt.automations.checkConditions(contact.id, hasEventKey('signup'))).resolves.toBe(true);
    await expect(t.rt.automations.checkConditions(String(contact.id), hasEventKey('other'))).resolves.toBe(false);
    await expect(t.rt.automations.checkConditions(contact.id, [])).resolves.toBe(true);
    const recent = [[{ source: ['event_tracking', 'event_tracking_last_seen'], operator: 'within_days', value: 1, extra_value: 'signup' }]];
    await expect(t.rt.automations.checkConditions(contact.id, recent)).resolves.toBe(true);
    const tenDaysLater = new Date(Date.now() + 10 * 86_400_000);
    await expect(t.rt.automations.checkConditions(contact.id, recent, tenDaysLater)).resolves.toBe(false);
    await expect(t.rt.automations.checkConditions(contact.id, [['not an item']])).rejects.toMatchObject({ code: 'invalid_filter' });
  });

  test('unregistering stops it; the runtime lists what is registered', async () => {
    const contact = await createContact(t.rt);
    let runs = 0;
    const off = register({ id: 'short-lived', event_key: 'ping', run_multiple: true }, () => {
      runs += 1;
    });
    expect(t.rt.automations.ids()).toEqual(['short-lived']);
    expect(t.rt.hooks.hasAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'fcrm-event-tracking/automation/short-lived')).toBe(true);
    await trackFor(t.rt, contact.id, 'ping', 'Ping');
    off();
    off(); // idempotent
    await trackFor(t.rt, contact.id, 'ping', 'Ping');
    expect(runs).toBe(1);
    expect(t.rt.automations.ids()).toEqual([]);
    expect(t.rt.hooks.hasAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'fcrm-event-tracking/automation/short-lived')).toBe(false);
  });

  test('a sync doAction starts the work; drain() waits for the automation handler too', async () => {
    const contact = await createContact(t.rt);
    let finished = false;
    register({ id: 'slow', event_key: 'signup' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      finished = true;
    });
    t.rt.hooks.doAction(HOOKS.TRACK_EVENT_ACTIVITY, { event_key: 'signup', title: 'Signed up', subscriber_id: contact.id }, true);
    await t.rt.drain();
    expect(finished).toBe(true);
    expect((await runRows(t)).map((r) => r.status)).toEqual(['completed']);
  });

  test('a done action that pairs one contact with another contact\'s event runs for nobody', async () => {
    const a = await createContact(t.rt);
    const b = await createContact(t.rt);
    const event = await trackFor(t.rt, a.id, 'signup', 'Signed up', false);
    let runs = 0;
    register({ id: 'mismatch', event_key: 'signup' }, () => {
      runs += 1;
    });
    await t.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY_DONE, event, b, null);
    // A host firing garbage (from JavaScript) gets no run: the types would refuse it, so cast.
    await t.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'not an event' as unknown as TrackedEventRecord, null as unknown as ContactRecord, null);
    expect(runs).toBe(0);
  });
});
