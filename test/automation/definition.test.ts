import { isFcrmError } from '../../src';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

// A bad definition fails where it is written: at registration, with a message naming the problem.
describe('automations: definitions are validated at registration', () => {
  let t: TestRuntime;
  const noop = () => undefined;

  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());

  const rejection = (definition: unknown, handler: unknown = noop) => {
    try {
      t.rt.automations.onEventRecorded(definition as never, handler as never);
    } catch (error) {
      if (!isFcrmError(error)) throw error;
      return { code: error.code, message: error.message };
    }
    throw new Error('registration was accepted');
  };

  test.each([
    [null, /the definition must be an object/],
    [{ event_key: 'k' }, /id must be a non-empty string/],
    [{ id: '', event_key: 'k' }, /id must be a non-empty string/],
    [{ id: 'x'.repeat(101), event_key: 'k' }, /id must be at most 100 characters/],
    [{ id: 'has space', event_key: 'k' }, /may only contain letters, digits/],
    [{ id: 'a', event_key: '' }, /automation "a": event_key must be a non-empty string/],
    [{ id: 'a', event_key: '<b> </b>' }, /event_key must be a non-empty string/],
    [{ id: 'a', event_key: ['k'] }, /event_key must be a non-empty string/],
    [{ id: 'a', event_key: 'k', minimum_event_count: 0 }, /minimum_event_count must be a positive integer \(got 0\)/],
    [{ id: 'a', event_key: 'k', minimum_event_count: 1.5 }, /minimum_event_count must be a positive integer/],
    [{ id: 'a', event_key: 'k', minimum_event_count: '3' }, /minimum_event_count must be a positive integer \(got "3"\)/],
    [{ id: 'a', event_key: 'k', run_multiple: 'yes' }, /run_multiple must be true or false/],
    [{ id: 'a', event_key: 'k', conditions: { source: 'x' } }, /automation "a": conditions: Filters must be an array of groups/],
  ])('%j is rejected', (definition, message) => {
    const error = rejection(definition);
    expect(error.code).toBe('invalid_automation');
    expect(error.message).toMatch(/^Invalid automation: /);
    expect(error.message).toMatch(message);
  });

  test('a condition the filter engine cannot run fails at registration, not at the first event', () => {
    const badItem = [[{ source: ['event_tracking', 'no_such_property'], operator: '=', value: 'x' }]];
    const missingExtra = [[{ source: ['event_tracking', 'event_tracking_key_count'], operator: '>', value: '2' }]];
    for (const conditions of [badItem, missingExtra, ['not a group']]) {
      const error = rejection({ id: 'bad-conditions', event_key: 'k', conditions });
      expect(error.code).toBe('invalid_automation');
      expect(error.message).toMatch(/^Invalid automation: automation "bad-conditions": conditions: /);
    }
    expect(t.rt.automations.ids()).toEqual([]);
  });

  test('the handler must be a function, and an id is unique per runtime', () => {
    expect(rejection({ id: 'a', event_key: 'k' }, 'not a function').message).toMatch(/handler must be a function/);
    const off = t.rt.automations.onEventRecorded({ id: 'taken', event_key: 'k' }, noop);
    try {
      expect(rejection({ id: 'taken', event_key: 'other' })).toEqual({
        code: 'invalid_automation',
        message: 'Invalid automation: the id "taken" is already registered in this runtime.',
      });
    } finally {
      off();
    }
    // Free again once unregistered.
    t.rt.automations.onEventRecorded({ id: 'taken', event_key: 'k' }, noop)();
  });

  test('the key is cleaned like a tracked key; conditions are copied at registration', async () => {
    const contact = await t.rt.api('contacts').createOrUpdate({ email: 'clean@example.com' });
    await t.rt.api('event_tracker').track({ event_key: 'a', title: 'A', subscriber_id: contact.id });
    const conditions: unknown[][] = [[{ source: ['event_tracking', 'event_tracking_key'], operator: 'in', value: ['a'] }]];
    let runs = 0;
    const off = t.rt.automations.onEventRecorded({ id: 'clean', event_key: '  <b>Signup</b>  ', conditions }, () => {
      runs += 1;
    });
    try {
      conditions[0].push('not an item'); // changing the host's object later changes nothing
      await t.rt.api('event_tracker').track({ event_key: 'signup', title: 'Signed up', subscriber_id: contact.id }, true);
      expect(runs).toBe(1);
    } finally {
      off();
    }
  });
});
