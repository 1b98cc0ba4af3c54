import { createContact } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';
import { runRows } from '../automation/automationFixtures';

const property = (path: string, operator: string, value?: unknown, extra: Record<string, unknown> = {}) => ({
  source: ['event_tracking', 'event_tracking_property'],
  property: path,
  operator,
  ...(value === undefined ? {} : { value }),
  ...extra,
});

/** onEventRecorded's event_conditions (the triggering occurrence's own value) and property items in conditions. */
describe('automations: event properties', () => {
  let t: TestRuntime;
  const offs: Array<() => void> = [];
  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());
  afterEach(() => {
    for (const off of offs.splice(0)) off();
  });
  const track = (subscriber_id: number, value: unknown, event_key = 'order_placed') =>
    t.rt.api('event_tracker').track({ subscriber_id, event_key, title: 'Order', value }, true);

  test('event_conditions: runs only for the occurrences whose own value passes (total > 100), not the event row', async () => {
    const contact = await createContact(t.rt);
    const totals: unknown[] = [];
    offs.push(
      t.rt.automations.onEventRecorded(
        { id: 'big-order', event_key: 'order_placed', run_multiple: true, event_conditions: [property('order.total', '>', 100)] },
        ({ event }) => {
          totals.push(JSON.parse(event.value).order.total);
        },
      ),
    );
    await track(contact.id, { order: { total: 150 } });
    await track(contact.id, { order: { total: 20 } });
    await track(contact.id, { order: { total: '101' } });
    await track(contact.id, 'plain text');
    expect(totals).toEqual([150, '101']);
    expect((await runRows(t, 'big-order')).map((r) => r.status)).toEqual(['completed', 'completed']);
  });

  test('a plan-upgrade automation: ORed groups, negative items, booleans and in', async () => {
    const contact = await createContact(t.rt);
    const seen: string[] = [];
    offs.push(
      t.rt.automations.onEventRecorded(
        {
          id: 'upgrade',
          event_key: 'plan_changed',
          run_multiple: true,
          event_conditions: [
            [property('to', 'in', ['pro', 'business']), property('from', '!=', 'pro'), property('trial', 'not_exists')],
            [property('seats', '>=', 50), property('annual', '=', true)],
          ],
        },
        ({ event }) => {
          seen.push(event.value);
        },
      ),
    );
    const values = [
      { from: 'basic', to: 'Pro' }, // group 1
      { from: 'pro', to: 'business' }, // from is pro
      { from: 'basic', to: 'pro', trial: false }, // a trial (exists)
      { from: 'basic', to: 'basic', seats: 60, annual: true }, // group 2
      { from: 'basic', to: 'basic', seats: 60, annual: 'true' }, // not a boolean
    ];
    for (const value of values) await track(contact.id, value, 'plan_changed');
    expect(seen.map((v) => JSON.parse(v))).toEqual([values[0], values[3]]);
  });

  test('conditions (the contact, in SQL) accept property items, with extra_value and scope', async () => {
    const vip = await createContact(t.rt, { email: 'vip@example.com' });
    const other = await createContact(t.rt, { email: 'other@example.com' });
    const ran: number[] = [];
    offs.push(
      t.rt.automations.onEventRecorded(
        {
          id: 'vip-visit',
          event_key: 'visited',
          run_multiple: true,
          conditions: [[property('order.total', '>', 100, { extra_value: 'order_placed', scope: 'any' })]],
        },
        ({ subscriber }) => {
          ran.push(subscriber.id);
        },
      ),
    );
    await track(vip.id, { order: { total: 500 } });
    await track(vip.id, { order: { total: 5 } });
    await track(other.id, { order: { total: 5 } });
    await track(vip.id, '', 'visited');
    await track(other.id, '', 'visited');
    expect(ran).toEqual([vip.id]);
    expect(await t.rt.automations.checkConditions(vip.id, [[property('order.total', '>', 100, { extra_value: 'order_placed' })]])).toBe(false);
    expect(await t.rt.automations.checkConditions(vip.id, [[property('order.total', '<', 10, { extra_value: 'order_placed' })]])).toBe(true);
  });

  test.each([
    [[property('a', '>', 'x')], /automation "bad": event_conditions group 1, item 1: value "x" must be a number for operator >/],
    [[property('a', '=', 1, { extra_value: 'k' })], /item 1: extra_value does not apply/],
    [[property('a', 'exists', undefined, { scope: 'any' })], /scope does not apply/],
    [[property('a..b', 'exists')], /property must be a dot path/],
    [[{ ...property('a', 'exists'), source: ['event_tracking', 'event_tracking_key'] }], /source must be/],
    ['total > 100', /event_conditions must be a list/],
  ])('a malformed event_conditions fails at registration: %j', (event_conditions, message) => {
    expect(() => t.rt.automations.onEventRecorded({ id: 'bad', event_key: 'k', event_conditions }, () => undefined)).toThrow(
      expect.objectContaining({ code: 'invalid_automation', message: expect.stringMatching(message) }),
    );
    expect(t.rt.automations.ids()).not.toContain('bad');
  });
});
