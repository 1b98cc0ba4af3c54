import { FcrmError } from '../../src';
import { createContact } from '../helpers/fixtures';
import { openTestServer, type TestServer } from '../helpers/testServer';
import { LEAK } from './kit';

// Malformed advanced-filter JSON through GET /subscribers?filter_type=advanced&advanced_filters=… and
// api('contacts').query({ filters }): always invalid_filter (422 over REST), never a 500.

const item = (fields: Record<string, unknown>) => JSON.stringify([[{ source: ['event_tracking', 'event_tracking_key_count'], operator: '>', value: 1, extra_value: 'k', ...fields }]]);
const keyItem = (fields: Record<string, unknown>) => JSON.stringify([[{ source: ['event_tracking', 'event_tracking_key'], operator: 'in', value: ['k'], ...fields }]]);

/** [name, filter text, also through REST? (the URL of a very deep filter is over Node's header limit)] */
export const FILTER_CORPUS: Array<[string, string, boolean]> = [
  ['an unclosed bracket', '[', true],
  ['an object, not a list of groups', '{}', true],
  ['an empty item', '[[{}]]', true],
  ['a string item', '[["x"]]', true],
  ['a number item', '[[1]]', true],
  ['a null item', '[[null]]', true],
  ['an array item', '[[[]]]', true],
  ['a group that is an object', '[{"source":["event_tracking","event_tracking_key"],"operator":"in","value":["k"]}]', true],
  ['a group that is a string', '["x"]', true],
  ['a JSON string', '"event_tracking"', true],
  ['a JSON number', '42', true],
  ['JSON true', 'true', true],
  ['trailing garbage', `${keyItem({})}x`, true],
  ['a trailing comma', '[[],]', true],
  ['single quotes', "[[{'source':['event_tracking','event_tracking_key']}]]", true],
  ['NaN as a value', '[[{"source":["event_tracking","event_tracking_key_count"],"operator":">","value":NaN,"extra_value":"k"}]]', true],
  ['1,000 levels of nesting', `${'['.repeat(1000)}${']'.repeat(1000)}`, true],
  ['10,000 levels of nesting', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, false],
  ['100,000 levels of nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, false],
  ['10,000 levels of objects', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`, false],
  ['a wrong source (tags)', keyItem({ source: ['tags', 'event_tracking_key'] }), true],
  ['a source that is a string', keyItem({ source: 'event_tracking' }), true],
  ['a source of one element', keyItem({ source: ['event_tracking'] }), true],
  ['a source of three elements', keyItem({ source: ['event_tracking', 'event_tracking_key', 'x'] }), true],
  ['an unknown property', keyItem({ source: ['event_tracking', 'event_tracking_secret'] }), true],
  ['an SQL property name', keyItem({ source: ['event_tracking', "x'; DROP TABLE fc_event_tracking; --"] }), true],
  ['a __proto__ property name', keyItem({ source: ['event_tracking', '__proto__'] }), true],
  ['a wrong operator (~)', item({ operator: '~' }), true],
  ['an SQL operator', item({ operator: "= 1 OR 1=1 --" }), true],
  ['a missing operator', item({ operator: undefined }), true],
  ['a numeric operator', item({ operator: 1 }), true],
  ['key_count without extra_value', item({ extra_value: undefined }), true],
  ['key_count with an object extra_value', item({ extra_value: { a: 1 } }), true],
  ['key_count with a text value', item({ value: 'abc' }), true],
  ['key_count with an object value', item({ value: { a: 1 } }), true],
  ['title with an object value', JSON.stringify([[{ source: ['event_tracking', 'event_tracking_title'], operator: 'contains', value: { a: 1 } }]]), true],
  ['value < with a text value', JSON.stringify([[{ source: ['event_tracking', 'event_tracking_value'], operator: '<', value: 'abc', extra_value: 'k' }]]), true],
  ['first_seen with a non-date', JSON.stringify([[{ source: ['event_tracking', 'event_tracking_first_seen'], operator: 'before', value: 'yesterday', extra_value: 'k' }]]), true],
  ['first_seen with an impossible date', JSON.stringify([[{ source: ['event_tracking', 'event_tracking_first_seen'], operator: 'before', value: '2026-02-31', extra_value: 'k' }]]), true],
  ['within_days 0', JSON.stringify([[{ source: ['event_tracking', 'event_tracking_last_seen'], operator: 'within_days', value: 0, extra_value: 'k' }]]), true],
  ['within_days 36,501', JSON.stringify([[{ source: ['event_tracking', 'event_tracking_last_seen'], operator: 'within_days', value: 36_501, extra_value: 'k' }]]), true],
  ['occurrences without days', JSON.stringify([[{ source: ['event_tracking', 'event_tracking_occurrences'], operator: '>', value: 1, extra_value: 'k' }]]), true],
  ['occurrences with days 0', JSON.stringify([[{ source: ['event_tracking', 'event_tracking_occurrences'], operator: '>', value: 1, extra_value: 'k', days: 0 }]]), true],
  ['occurrences with days "ten"', JSON.stringify([[{ source: ['event_tracking', 'event_tracking_occurrences'], operator: '>', value: 1, extra_value: 'k', days: 'ten' }]]), true],
  ['occurrences with days "1e3"', JSON.stringify([[{ source: ['event_tracking', 'event_tracking_occurrences'], operator: '>', value: 1, extra_value: 'k', days: '1e3' }]]), true],
  ['101 items in a group', JSON.stringify([Array.from({ length: 101 }, () => ({ source: ['event_tracking', 'event_tracking_key'], operator: 'in', value: ['k'] }))]), true],
  ['101 keys in one item', keyItem({ value: Array.from({ length: 101 }, (_, i) => `k${i}`) }), true],
  ['10,000 items in a group', JSON.stringify([Array.from({ length: 10_000 }, () => ({ source: ['event_tracking', 'event_tracking_key'], operator: 'in', value: ['k'] }))]), false],
  ['100,000 keys in one item', keyItem({ value: Array.from({ length: 100_000 }, (_, i) => `k${i}`) }), false],
];

describe(`hostile filter JSON (${FILTER_CORPUS.length} inputs)`, () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer();
    const contact = await createContact(s.rt);
    await s.rt.api('event_tracker').track({ event_key: 'k', title: 'T', subscriber_id: contact.id });
  });
  afterAll(() => s.close());

  test.each(FILTER_CORPUS)('%s → invalid_filter', async (_name, text, viaRest) => {
    const error = await s.rt.api('contacts').query({ filters: text } as never).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FcrmError);
    expect((error as FcrmError).code).toBe('invalid_filter');
    if (!viaRest) return;
    const query = new URLSearchParams({ filter_type: 'advanced', advanced_filters: text });
    const response = await s.call(`/subscribers?${query}`, { as: 'read' });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ error_code: 'invalid_filter', message: expect.any(String) });
    expect(JSON.stringify(response.body)).not.toMatch(LEAK);
  });

  test('the corpus holds the 49 filter texts the README counts, 44 of them also over REST', () => {
    expect(FILTER_CORPUS.length).toBe(49);
    expect(FILTER_CORPUS.filter(([, , viaRest]) => viaRest).length).toBe(44);
  });

  test('the server still answers a valid filter', async () => {
    const query = new URLSearchParams({ filter_type: 'advanced', advanced_filters: keyItem({}) });
    const response = await s.call(`/subscribers?${query}`, { as: 'read' });
    expect(response.status).toBe(200);
    expect(response.body.subscribers.total).toBe(1);
  });
});
