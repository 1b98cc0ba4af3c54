import { FcrmError } from '../../src';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';
import { item, matching, seedContacts } from './filterTestKit';

/**
 * Each property × operator against one seeded database. Purchase values: alice '7', bob '10',
 * carol 'abc', erin '2.5' — numeric and textual order disagree on purpose. dave has no events.
 */
describe('filters: each property and operator', () => {
  let t: TestRuntime;
  let ids: Map<string, number>;
  const match = (groups: unknown) => matching(t, ids, groups);
  const one = (property: string, operator: string, value: unknown, extra?: unknown) => match([[item(property, operator, value, extra)]]);
  const ALL = ['alice', 'bob', 'carol', 'dave', 'erin'];

  beforeAll(async () => {
    t = await openTestRuntime();
    ids = await seedContacts(t, {
      alice: [
        { key: 'Purchase', title: 'Bought Pro Plan', counter: 3, value: '7' },
        { key: 'page_view', title: 'Viewed 50% Off', value: 'home_page' },
      ],
      bob: [
        { key: 'purchase', title: 'Bought Basic', value: '10' },
        { key: 'signup', title: 'Signed Up', value: 'Newsletter' },
      ],
      carol: [
        { key: 'PURCHASE', title: 'bought pro plan', counter: 5, value: 'abc' },
        { key: 'page_view', title: 'Viewed 50 Off', value: 'C:\\home' },
      ],
      dave: [],
      erin: [
        { key: 'signup', title: 'Signed up', counter: 2, value: '100%_sure' },
        { key: 'purchase', title: 'Bought Pro Plan', counter: 2, value: '2.5' },
      ],
    });
  });
  afterAll(() => t.close());

  describe('event_tracking_key', () => {
    test('in: has an event with one of the keys, case-insensitively', async () => {
      expect(await one('event_tracking_key', 'in', ['purchase'])).toEqual(['alice', 'bob', 'carol', 'erin']);
      expect(await one('event_tracking_key', 'in', ['SIGNUP', 'no_such_key'])).toEqual(['bob', 'erin']);
    });
    test('in: a single string is a one-key list', async () => {
      expect(await one('event_tracking_key', 'in', 'Page_View')).toEqual(['alice', 'carol']);
    });
    test('not_in: has no event with any of the keys; contacts without events match', async () => {
      expect(await one('event_tracking_key', 'not_in', ['purchase'])).toEqual(['dave']);
      expect(await one('event_tracking_key', 'not_in', ['signup', 'page_view'])).toEqual(['dave']);
      expect(await one('event_tracking_key', 'not_in', ['signup'])).toEqual(['alice', 'carol', 'dave']);
    });
  });

  describe('event_tracking_key_count (a row of the key whose counter compares)', () => {
    test.each([
      ['=', 3, ['alice']],
      ['=', '5', ['carol']],
      ['>', 2, ['alice', 'carol']],
      ['<', '3', ['bob', 'erin']],
      ['!=', 1, ['alice', 'carol', 'dave', 'erin']], // no row with counter 1: bob is out, dave (no rows) is in
    ])('%s %s', async (operator, value, expected) => {
      expect(await one('event_tracking_key_count', operator, value, 'PurChase')).toEqual(expected);
    });
  });

  describe('event_tracking_value', () => {
    test('= and != compare text, case-insensitively; != matches contacts without the key', async () => {
      expect(await one('event_tracking_value', '=', 'ABC', 'purchase')).toEqual(['carol']);
      expect(await one('event_tracking_value', '=', 7, 'purchase')).toEqual(['alice']);
      expect(await one('event_tracking_value', '!=', 'abc', 'purchase')).toEqual(['alice', 'bob', 'dave', 'erin']);
    });

    test('< and > compare numerically: 10 > 8 although "10" < "8" as text; non-numbers take no part', async () => {
      expect(await one('event_tracking_value', '>', 8, 'purchase')).toEqual(['bob']);
      expect(await one('event_tracking_value', '>', '5', 'purchase')).toEqual(['alice', 'bob']);
      expect(await one('event_tracking_value', '<', 8, 'purchase')).toEqual(['alice', 'erin']);
      expect(await one('event_tracking_value', '<', '2.6', 'purchase')).toEqual(['erin']);
      expect(await one('event_tracking_value', '>', -1000, 'purchase')).toEqual(['alice', 'bob', 'erin']); // carol's "abc" is no number
    });

    test('contains / not_contains, case-insensitively', async () => {
      expect(await one('event_tracking_value', 'contains', 'B', 'purchase')).toEqual(['carol']);
      expect(await one('event_tracking_value', 'contains', '.', 'purchase')).toEqual(['erin']);
      expect(await one('event_tracking_value', 'not_contains', 'b', 'purchase')).toEqual(['alice', 'bob', 'dave', 'erin']);
    });

    test('LIKE wildcards in the value are literal: %, _ and \\', async () => {
      expect(await one('event_tracking_value', 'contains', '_', 'page_view')).toEqual(['alice']);
      expect(await one('event_tracking_value', 'contains', '%', 'signup')).toEqual(['erin']);
      expect(await one('event_tracking_value', 'contains', '%_', 'signup')).toEqual(['erin']);
      expect(await one('event_tracking_value', 'contains', '\\', 'page_view')).toEqual(['carol']);
      expect(await one('event_tracking_value', 'not_contains', '_', 'page_view')).toEqual(['bob', 'carol', 'dave', 'erin']);
    });
  });

  describe('event_tracking_title (any event)', () => {
    test('= and !=, case-insensitively', async () => {
      expect(await one('event_tracking_title', '=', 'bought pro plan')).toEqual(['alice', 'carol', 'erin']);
      expect(await one('event_tracking_title', '!=', 'Bought Pro Plan')).toEqual(['bob', 'dave']);
    });
    test('contains / not_contains, with % taken literally', async () => {
      expect(await one('event_tracking_title', 'contains', 'PRO')).toEqual(['alice', 'carol', 'erin']);
      expect(await one('event_tracking_title', 'contains', '50%')).toEqual(['alice']);
      expect(await one('event_tracking_title', 'not_contains', 'pro')).toEqual(['bob', 'dave']);
    });
  });

  describe('groups', () => {
    test('items of a group are ANDed', async () => {
      expect(
        await match([[item('event_tracking_key_count', '>', 2, 'purchase'), item('event_tracking_title', 'contains', 'pro')]]),
      ).toEqual(['alice', 'carol']);
      expect(
        await match([[item('event_tracking_key', 'in', ['purchase']), item('event_tracking_key', 'in', ['signup'])]]),
      ).toEqual(['bob', 'erin']);
    });

    test('groups are ORed', async () => {
      expect(await match([[item('event_tracking_value', '=', 'abc', 'purchase')], [item('event_tracking_key', 'in', ['signup'])]])).toEqual([
        'bob',
        'carol',
        'erin',
      ]);
      expect(
        await match([
          [item('event_tracking_key', 'not_in', ['purchase'])],
          [item('event_tracking_key_count', '>', 4, 'purchase'), item('event_tracking_title', '=', 'bought pro plan')],
        ]),
      ).toEqual(['carol', 'dave']);
    });

    test('an item with an empty value is skipped; a group left empty drops out of the OR', async () => {
      expect(await match([[item('event_tracking_key', 'in', []), item('event_tracking_title', 'contains', 'pro')]])).toEqual(['alice', 'carol', 'erin']);
      expect(await match([[item('event_tracking_value', '=', '', 'purchase')], [item('event_tracking_title', '=', 'signed up')]])).toEqual(['bob', 'erin']);
      expect(await match([[item('event_tracking_title', 'contains', null)]])).toEqual(ALL);
      expect(await match([[{ source: ['event_tracking', 'event_tracking_key'], operator: 'in' }]])).toEqual(ALL);
    });

    test('no filter at all: every contact', async () => {
      for (const none of [undefined, null, '', '[]', [], [[]]]) expect(await match(none)).toEqual(ALL);
    });

    test('the JSON text of the groups works like the array', async () => {
      expect(await match(JSON.stringify([[item('event_tracking_key', 'in', ['signup'])]]))).toEqual(['bob', 'erin']);
    });
  });

  describe('invalid filters reject with invalid_filter', () => {
    test.each([
      ['a missing extra_value', [[item('event_tracking_key_count', '>', 1)]], 'Filter group 1, item 1: event_tracking_key_count needs extra_value'],
      ['a blank extra_value', [[item('event_tracking_value', '=', 'x', '  ')]], 'needs extra_value'],
      ['a text value for numeric <', [[item('event_tracking_value', '<', 'abc', 'purchase')]], 'value "abc" must be a number'],
      ['a bad operator', [[item('event_tracking_title', '=', 'x'), item('event_tracking_key_count', '~', 1, 'k')]], 'Filter group 1, item 2: operator "~" is not allowed for event_tracking_key_count (use =, !=, <, >)'],
      ['another source', [[item('event_tracking_key', 'in', ['a'])], [{ source: ['tags', 'tag_ids'], operator: 'in', value: [1] }]], 'Filter group 2, item 1: only event_tracking filters are supported'],
      ['malformed JSON', '[[{"source":', 'Filters are not valid JSON'],
    ])('%s', async (_name, filters, message) => {
      const attempt = t.rt.api('contacts').query({ filters });
      await expect(attempt).rejects.toBeInstanceOf(FcrmError);
      await expect(attempt).rejects.toMatchObject({ code: 'invalid_filter', message: expect.stringContaining(message) });
    });
  });
});
