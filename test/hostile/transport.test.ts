import { createContact } from '../helpers/fixtures';
import { openTestServer, type TestServer } from '../helpers/testServer';
import { counts, expectConsistent, expectStillServing, expectWellFormed, viaRest } from './kit';

// Malformed requests that exist only over HTTP: broken JSON text, wrong content types, oversized
// bodies and headers. Each gets a WordPress-style JSON 4xx (or 200 when it is a valid event after all).

interface TransportCase {
  name: string;
  body: (id: number) => string;
  headers?: Record<string, string>;
  /** the query string appended to the route */
  query?: (id: number) => string;
  statuses: number[];
}

const valid = (id: number) => `{"event_key":"transport","title":"Transport","subscriber_id":${id}}`;

const TRANSPORT_CORPUS: TransportCase[] = [
  { name: 'truncated JSON', body: () => '{"event_key":', statuses: [400] },
  { name: 'trailing garbage', body: (id) => `${valid(id)} x`, statuses: [400] },
  { name: 'two JSON documents', body: (id) => `${valid(id)}${valid(id)}`, statuses: [400] },
  { name: 'single-quoted JSON', body: () => "{'event_key':'k','title':'T'}", statuses: [400] },
  { name: 'NaN literal', body: (id) => `{"event_key":"k","title":"T","subscriber_id":${id},"value":NaN}`, statuses: [400] },
  { name: 'a raw NUL byte in a string', body: (id) => `{"event_key":"k\u0000","title":"T","subscriber_id":${id}}`, statuses: [400] },
  { name: 'a raw control character in a string', body: (id) => `{"event_key":"k\u0001","title":"T","subscriber_id":${id}}`, statuses: [400] },
  { name: 'an escaped lone surrogate key', body: (id) => `{"\\ud800":1,"event_key":"k","title":"T","subscriber_id":${id}}`, statuses: [200] },
  { name: 'duplicate keys (the last wins)', body: (id) => `{"event_key":"","event_key":"k","title":"T","subscriber_id":${id}}`, statuses: [200] },
  { name: 'a __proto__ key written with an escape', body: (id) => `{"\\u005f_proto__":{"x":1},"event_key":"k","title":"T","subscriber_id":${id}}`, statuses: [400] },
  { name: 'a nested constructor.prototype', body: (id) => `{"event_key":"k","title":"T","subscriber_id":${id},"x":[{"constructor":{"prototype":{"x":1}}}]}`, statuses: [400] },
  { name: 'an empty body', body: () => '', statuses: [422] },
  { name: 'only whitespace', body: () => '   \n ', statuses: [422] },
  { name: '2 MiB of junk JSON', body: (id) => `{"event_key":"k","title":"T","subscriber_id":${id},"junk":"${'j'.repeat(2 * 1024 * 1024)}"}`, statuses: [413] },
  { name: '1 MiB + 1 byte', body: (id) => { const head = `{"event_key":"k","title":"T","subscriber_id":${id},"junk":"`; return `${head}${'j'.repeat(1024 * 1024 + 1 - head.length - 2)}"}`; }, statuses: [413] },
  { name: '10,000 levels of arrays as the whole body', body: () => `${'['.repeat(10_000)}${']'.repeat(10_000)}`, statuses: [400] },
  { name: '10,000 levels of objects as the whole body', body: () => `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`, statuses: [422] },
  { name: 'text/plain', body: valid, headers: { 'content-type': 'text/plain' }, statuses: [415] },
  { name: 'application/xml', body: () => '<event_key>k</event_key>', headers: { 'content-type': 'application/xml' }, statuses: [415] },
  { name: 'multipart/form-data', body: () => '--x\r\nContent-Disposition: form-data; name="event_key"\r\n\r\nk\r\n--x--', headers: { 'content-type': 'multipart/form-data; boundary=x' }, statuses: [415] },
  { name: 'a garbage content type', body: valid, headers: { 'content-type': '%%%/;;;' }, statuses: [415] },
  { name: 'JSON declared as UTF-16', body: valid, headers: { 'content-type': 'application/json; charset=utf-16' }, statuses: [200] },
  { name: 'form: event_key as an array', body: (id) => `event_key[]=a&event_key[]=b&title=T&subscriber_id=${id}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, statuses: [422] },
  { name: 'form: __proto__ parameters', body: (id) => `__proto__[x]=1&__proto__=2&event_key=k&title=T&subscriber_id=${id}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, statuses: [200] },
  { name: 'form: broken percent-encoding', body: (id) => `event_key=%E0%A4%A&title=%ZZ&subscriber_id=${id}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, statuses: [200] },
  { name: 'form: NUL and a lone surrogate percent-encoded', body: (id) => `event_key=k%00&title=%ED%A0%80T&subscriber_id=${id}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, statuses: [200] },
  { name: 'query: repeated event_key', body: () => '', query: (id) => `event_key=a&event_key=b&title=T&subscriber_id=${id}`, statuses: [422] },
  { name: 'query: __proto__ parameters', body: () => '', query: (id) => `__proto__=x&constructor[prototype][x]=1&event_key=k&title=T&subscriber_id=${id}`, statuses: [200] },
  { name: 'Idempotency-Key header of 10,000 characters', body: valid, headers: { 'idempotency-key': 'i'.repeat(10_000) }, statuses: [422] },
  { name: 'Idempotency-Key header of spaces only', body: valid, headers: { 'idempotency-key': '    ' }, statuses: [200] },
  { name: 'two Idempotency-Key values (joined)', body: valid, headers: { 'idempotency-key': 'a, b' }, statuses: [200] },
];

describe(`hostile HTTP requests to track-event (${TRANSPORT_CORPUS.length} inputs)`, () => {
  let s: TestServer;
  let id: number;
  beforeAll(async () => {
    s = await openTestServer();
    id = (await createContact(s.rt)).id;
  });
  afterAll(() => s.close());

  test('the corpus holds the 31 requests the README counts', () => {
    expect(TRANSPORT_CORPUS.length).toBe(31);
  });

  test.each(TRANSPORT_CORPUS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await counts(s);
    let answer;
    if (c.query) {
      const response = await fetch(`${s.base}/subscribers/track-event?${c.query(id)}`, { method: 'POST', headers: { authorization: s.auth.manage } });
      const text = await response.text();
      answer = { status: response.status, text, body: JSON.parse(text) as unknown };
    } else {
      answer = await viaRest(s, c.body(id), c.headers);
    }
    expectWellFormed(answer);
    if (!c.statuses.includes(answer.status)) throw new Error(`answered ${answer.status} (expected ${c.statuses.join('/')}): ${answer.text.slice(0, 300)}`);
    if (answer.status !== 200) expect(await counts(s)).toEqual(before);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  test('nothing half-stored, the server still serves', async () => {
    await expectConsistent(s);
    await expectStillServing(s, id);
  });
});
