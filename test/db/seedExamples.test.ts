import { HOOKS } from '../../src';
import { createContact, SEED_EVENT } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';
import { recordHooks } from '../../src/testing';

// The seed's three ways to create an event, as a plugin author writes them.
describe('the seed examples', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  test("PHP API: api('event_tracker').track(data, true) stores the row and returns it with numbers", async () => {
    const contact = await createContact(t.rt);
    const row = await t.rt.api('event_tracker').track({ ...SEED_EVENT, email: contact.email }, true);
    expect(row).toEqual({
      id: expect.any(Number),
      subscriber_id: contact.id,
      counter: 1,
      created_by: 0,
      provider: 'woocommerce',
      event_key: 'fcrm_event_tested',
      title: 'Testing FluentCRM Event',
      value: 'This is my event value with plain Text',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
    });
    const stored = await t.sql('SELECT counter, provider, value FROM {schema}.fc_event_tracking WHERE id = $1', [row.id]);
    expect(stored).toEqual([{ counter: 1, provider: 'woocommerce', value: 'This is my event value with plain Text' }]);
  });

  test("action hook: doAction('fluent_crm/track_event_activity', data, true) stores the event", async () => {
    const contact = await createContact(t.rt);
    t.rt.hooks.doAction('fluent_crm/track_event_activity', { ...SEED_EVENT, email: contact.email }, true);
    await t.rt.drain();
    const rows = await t.sql('SELECT subscriber_id, event_key, title, counter FROM {schema}.fc_event_tracking');
    expect(rows).toEqual([
      { subscriber_id: String(contact.id), event_key: 'fcrm_event_tested', title: 'Testing FluentCRM Event', counter: 1 },
    ]);
  });

  test('the same event_key + title again increments the counter instead of adding a row', async () => {
    const contact = await createContact(t.rt);
    const api = t.rt.api('event_tracker');
    const first = await api.track({ ...SEED_EVENT, email: contact.email });
    const second = await api.track({ ...SEED_EVENT, email: contact.email, value: 'second' });
    expect(second.id).toBe(first.id);
    expect(second.counter).toBe(2);
    expect(second.value).toBe('second');
    expect(await t.sql('SELECT count(*)::int AS n FROM {schema}.fc_event_tracking')).toEqual([{ n: 1 }]);
  });

  test('the done action: a listener on fluent_crm/track_event_activity_done gets the event and the contact', async () => {
    const contact = await createContact(t.rt);
    const done = recordHooks(t.rt, [HOOKS.TRACK_EVENT_ACTIVITY_DONE]);
    try {
      const row = await t.rt.api('event_tracker').track({ ...SEED_EVENT, email: contact.email }, true);
      await t.rt.api('event_tracker').track({ ...SEED_EVENT, email: contact.email }, false);
      // The third argument identifies the delivery (at-least-once: listeners may deduplicate on it).
      expect(done.of(HOOKS.TRACK_EVENT_ACTIVITY_DONE)).toEqual([[row, contact, { id: expect.any(String), attempt: 1 }]]);
    } finally {
      done.stop();
    }
  });
});
