import { FcrmError } from '../../src';
import { parseFilterGroups } from '../../src/filters';
import { parseFilterMoment } from '../../src/filters/filterDate';
import { item } from './filterTestKit';

const invalid = (input: unknown) => {
  try {
    parseFilterGroups(input);
  } catch (error) {
    expect(error).toBeInstanceOf(FcrmError);
    expect((error as FcrmError).code).toBe('invalid_filter');
    return (error as FcrmError).message;
  }
  throw new Error('expected invalid_filter');
};

describe('parseFilterGroups', () => {
  test('returns the canonical form: keys as a list, other values as strings, extra_value trimmed', () => {
    expect(
      parseFilterGroups([
        [item('event_tracking_key', 'in', 'signup'), item('event_tracking_key_count', '>', 2, ' purchase ')],
        [item('event_tracking_value', '=', 7, 'score'), item('event_tracking_title', 'contains', ' Pro ')],
        [item('event_tracking_first_seen', 'within_days', '30', 'login'), item('event_tracking_key', 'not_in', [12, ' a ', ''])],
      ]),
    ).toEqual([
      [
        { source: ['event_tracking', 'event_tracking_key'], operator: 'in', value: ['signup'] },
        { source: ['event_tracking', 'event_tracking_key_count'], operator: '>', value: '2', extra_value: 'purchase' },
      ],
      [
        { source: ['event_tracking', 'event_tracking_value'], operator: '=', value: '7', extra_value: 'score' },
        { source: ['event_tracking', 'event_tracking_title'], operator: 'contains', value: ' Pro ' },
      ],
      [
        { source: ['event_tracking', 'event_tracking_first_seen'], operator: 'within_days', value: '30', extra_value: 'login' },
        { source: ['event_tracking', 'event_tracking_key'], operator: 'not_in', value: ['12', 'a'] },
      ],
    ]);
  });

  test('parsing its own output gives the same groups (safe to store and parse again)', () => {
    const once = parseFilterGroups(JSON.stringify([[item('event_tracking_key_total_count', '<', ' 3 ', 'k'), item('event_tracking_last_seen', 'before', ' 2026-01-31 ', 'k')]]));
    expect(parseFilterGroups(once)).toEqual(once);
    expect(parseFilterGroups(JSON.stringify(once))).toEqual(once);
  });

  test('extra_value is dropped where the property does not use it', () => {
    expect(parseFilterGroups([[item('event_tracking_title', '=', 'x', 'ignored')]])).toEqual([
      [{ source: ['event_tracking', 'event_tracking_title'], operator: '=', value: 'x' }],
    ]);
  });

  test('empty values are skipped ("", null, [], missing, only blank keys); 0 and "0" are values', () => {
    expect(
      parseFilterGroups([
        [item('event_tracking_title', '=', ''), item('event_tracking_title', '=', null), item('event_tracking_key', 'in', [])],
        [{ source: ['event_tracking', 'event_tracking_value'], operator: '=' }, item('event_tracking_key', 'in', ['', '  '])],
        [item('event_tracking_key_count', '=', 0, 'k'), item('event_tracking_title', '=', '0')],
      ]),
    ).toEqual([
      [
        { source: ['event_tracking', 'event_tracking_key_count'], operator: '=', value: '0', extra_value: 'k' },
        { source: ['event_tracking', 'event_tracking_title'], operator: '=', value: '0' },
      ],
    ]);
  });

  test('an empty value wins over a missing extra_value (a half-filled row of a filter screen)', () => {
    expect(parseFilterGroups([[item('event_tracking_key_count', '>', '')]])).toEqual([]);
  });

  test.each([undefined, null, '', '  ', '[]', 'null', []])('%p means no filter', (input) => {
    expect(parseFilterGroups(input)).toEqual([]);
  });

  test.each([
    ['not JSON', '[[{"source"', /^Filters are not valid JSON: /],
    ['an object', { source: ['event_tracking', 'event_tracking_key'] }, /^Filters must be an array of groups/],
    ['a number', 42, /^Filters must be an array of groups/],
    ['a group that is no array', [[], { a: 1 }], /^Filter group 2 must be an array of items$/],
    ['an item that is no object', [[item('event_tracking_title', '=', 'x'), 'title']], /^Filter group 1, item 2 must be an object with source, operator and value$/],
    ['a missing source', [[{ operator: 'in', value: ['a'] }]], /^Filter group 1, item 1: source must be \["event_tracking", PROPERTY\]$/],
    ['a source string', [[{ source: 'event_tracking', operator: 'in', value: ['a'] }]], /source must be/],
    ['another source', [[{ source: ['subscriber', 'email'], operator: '=', value: 'a' }]], /^Filter group 1, item 1: only event_tracking filters are supported \(source "subscriber" given\)$/],
    ['an unknown property', [[item('event_tracking_colour', '=', 'red')]], /^Filter group 1, item 1: unknown property "event_tracking_colour" \(use event_tracking_key, /],
    ['a bad operator', [[item('event_tracking_title', '=', 'x'), item('event_tracking_key_count', '~', 1, 'k')]], /^Filter group 1, item 2: operator "~" is not allowed for event_tracking_key_count \(use =, !=, <, >\)$/],
    ['a missing operator', [[{ source: ['event_tracking', 'event_tracking_key'], value: ['a'] }]], /^Filter group 1, item 1: operator is missing for event_tracking_key \(use in, not_in\)$/],
    ['contains on a count', [[item('event_tracking_key_total_count', 'contains', 1, 'k')]], /operator "contains" is not allowed for event_tracking_key_total_count/],
    ['within_days on a title', [[item('event_tracking_title', 'within_days', 3)]], /use =, !=, contains, not_contains/],
    ['a missing extra_value', [[item('event_tracking_value', 'contains', 'x')]], /^Filter group 1, item 1: event_tracking_value needs extra_value, the event key/],
    ['an object as extra_value', [[item('event_tracking_first_seen', 'before', '2026-01-01', { key: 'x' })]], /event_tracking_first_seen needs extra_value/],
    ['a text count', [[item('event_tracking_key_count', '>', 'many', 'k')]], /^Filter group 1, item 1: value "many" must be a number for event_tracking_key_count$/],
    ['an infinite count', [[item('event_tracking_key_count', '>', '1e9999', 'k')]], /must be a number/],
    ['a text value for <', [[item('event_tracking_value', '<', '7 apples', 'k')]], /value "7 apples" must be a number for event_tracking_value/],
    ['an object as keys', [[item('event_tracking_key', 'in', [{ key: 'a' }])]], /value must be an event key or a list of event keys/],
    ['a boolean as keys', [[item('event_tracking_key', 'in', true)]], /value must be an event key or a list/],
    ['an array as title', [[item('event_tracking_title', '=', ['a'])]], /value must be a string or a number/],
    ['too many keys', [[item('event_tracking_key', 'in', Array.from({ length: 101 }, (_, i) => `k${i}`))]], /at most 100 event keys/],
    ['too many items', [Array.from({ length: 101 }, () => item('event_tracking_title', '=', 'x'))], /at most 100 items/],
  ])('%s → invalid_filter naming the item', (_name, input, message) => {
    expect(invalid(input)).toMatch(message);
  });
});

describe('parseFilterGroups: event_tracking_occurrences', () => {
  const occurrences = (operator: string, value: unknown, key: unknown, days: unknown) => ({ ...item('event_tracking_occurrences', operator, value, key), days });

  test('canonical: the count as a string like the other counts, days as a whole number', () => {
    const parsed = parseFilterGroups([[occurrences('>', 3, ' visited_pricing ', '30'), occurrences('=', '0', 'login', 36_500)]]);
    expect(parsed).toEqual([
      [
        { source: ['event_tracking', 'event_tracking_occurrences'], operator: '>', value: '3', extra_value: 'visited_pricing', days: 30 },
        { source: ['event_tracking', 'event_tracking_occurrences'], operator: '=', value: '0', extra_value: 'login', days: 36_500 },
      ],
    ]);
    expect(parseFilterGroups(parsed)).toEqual(parsed);
    expect(parseFilterGroups(JSON.stringify(parsed))).toEqual(parsed);
  });

  test('days is dropped where the property does not use it', () => {
    expect(parseFilterGroups([[occurrences('>', 3, 'k', 30), { ...item('event_tracking_key_total_count', '>', 3, 'k'), days: 30 }]])[0][1]).toEqual({
      source: ['event_tracking', 'event_tracking_key_total_count'],
      operator: '>',
      value: '3',
      extra_value: 'k',
    });
  });

  test('an empty value skips the item before extra_value and days are asked for', () => {
    expect(parseFilterGroups([[occurrences('>', '', undefined, undefined)]])).toEqual([]);
  });

  test.each([
    ['a missing days', [[occurrences('>', 3, 'k', undefined)]], /^Filter group 1, item 1: event_tracking_occurrences needs days, the window in whole days \(1 to 36500\)$/],
    ['a null days', [[occurrences('>', 3, 'k', null)]], /needs days/],
    ['days 0', [[item('event_tracking_title', '=', 'x'), occurrences('>', 3, 'k', 0)]], /^Filter group 1, item 2: days 0 must be a whole number of days from 1 to 36500$/],
    ['negative days', [[occurrences('>', 3, 'k', -7)]], /days -7 must be a whole number/],
    ['too many days', [[occurrences('>', 3, 'k', '36501')]], /days "36501" must be a whole number/],
    ['fractional days', [[occurrences('>', 3, 'k', 7.5)]], /days 7.5 must be a whole number/],
    ['days as a list', [[occurrences('>', 3, 'k', [30])]], /days \[30\] must be a whole number/],
    ['days as a boolean', [[occurrences('>', 3, 'k', true)]], /days true must be a whole number/],
    ['a missing extra_value', [[occurrences('>', 3, undefined, 30)]], /^Filter group 1, item 1: event_tracking_occurrences needs extra_value, the event key/],
    ['a text count', [[occurrences('>', 'often', 'k', 30)]], /value "often" must be a number for event_tracking_occurrences/],
    ['>=', [[occurrences('>=', 3, 'k', 30)]], /^Filter group 1, item 1: operator ">=" is not allowed for event_tracking_occurrences \(use =, !=, <, >\)$/],
    ['within_days', [[occurrences('within_days', 3, 'k', 30)]], /operator "within_days" is not allowed for event_tracking_occurrences/],
  ])('%s → invalid_filter naming the item', (_name, input, message) => {
    expect(invalid(input)).toMatch(message);
  });
});

describe('parseFilterMoment', () => {
  test.each([
    ['2026-01-31', '2026-01-31T00:00:00.000Z', true],
    ['2026-01-31T14:05', '2026-01-31T14:05:00.000Z', false],
    ['2026-01-31 14:05:06', '2026-01-31T14:05:06.000Z', false],
    ['2026-01-31T14:05:06.250Z', '2026-01-31T14:05:06.250Z', false],
    ['2026-01-31T14:05:06+02:00', '2026-01-31T12:05:06.000Z', false],
    ['2026-01-31T14:05:06-0530', '2026-01-31T19:35:06.000Z', false],
    ['2024-02-29', '2024-02-29T00:00:00.000Z', true],
    ['0001-01-01', '0001-01-01T00:00:00.000Z', true],
  ])('%s', (text, iso, wholeDay) => {
    expect(parseFilterMoment(text)).toEqual({ at: new Date(iso), wholeDay });
  });

  test.each(['2026-02-29', '2026-13-01', '2026-00-10', '2026-01-32', '2026-01-31T24:00', '2026-01-31T10:60', '0000-01-01', '2026-1-5', 'yesterday', '2026-01-31T10:00+25:00'])(
    '%s is no date',
    (text) => {
      expect(parseFilterMoment(text)).toBeNull();
    },
  );
});
