import { openTestServer, type TestServer } from '../helpers/testServer';
import { openRaw, parseResponse, portOf, type RawResponse } from '../helpers/rawHttp';

// Errors Fastify and Node raise themselves (before or outside a route) answer in WordPress's shape,
// never Fastify's `{"error","code":"FST_…","statusCode"}` or Node's bare status line (issue 13, item 12).

const API = '/wp-json/fluent-crm/v2';

function expectWordPressShape(answer: RawResponse, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  expect(answer.body).toEqual({ code, message: expect.any(String), data: { status } });
  expect(answer.text).not.toMatch(/FST_|HPE_|statusCode|"error"/);
}

describe('framework errors in WordPress shape', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer();
  });
  afterAll(() => s.close());

  const send = async (text: string) => {
    const raw = await openRaw(portOf(s.base));
    raw.socket.write(text);
    const answer = await raw.response();
    raw.socket.destroy();
    return answer;
  };
  const get = (path: string, headers = '') => send(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`);

  test('an unknown method, QUERY without a content type → WordPress-shaped 4xx', async () => {
    expectWordPressShape(await send(`FOO ${API}/openapi.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`), 400, 'rest_bad_request');
    const query = await send(`QUERY ${API}/subscribers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}`);
    expect(query.status).toBeGreaterThanOrEqual(400);
    expect(query.status).toBeLessThan(500);
    expect(query.body).toEqual({ code: expect.stringMatching(/^rest_/), message: expect.any(String), data: { status: query.status } });
  });

  test('malformed percent-encoding in a path parameter (FST_ERR_BAD_URL) → 400 rest_invalid_url', async () => {
    expectWordPressShape(await get(`${API}/subscribers/%E0%A4%A/tracking-events`), 400, 'rest_invalid_url');
    expectWordPressShape(await get(`${API}/subscribers/1/tracking-events/%zz/occurrences`), 400, 'rest_invalid_url');
  });

  test('an over-long path parameter (FST_ERR_MAX_PARAM_LENGTH) → 414 rest_uri_too_long', async () => {
    expectWordPressShape(await get(`${API}/subscribers/${'1'.repeat(150)}/tracking-events`), 414, 'rest_uri_too_long');
  });

  test('a header name with a space (invalid HTTP) → 400 rest_bad_request', async () => {
    expectWordPressShape(await get(`${API}/openapi.json`, 'Bad Header: x\r\n'), 400, 'rest_bad_request');
  });

  test('headers over Node’s 16 KiB limit → 431 rest_request_header_too_large', async () => {
    expectWordPressShape(await get(`${API}/openapi.json`, `X-Big: ${'b'.repeat(20_000)}\r\n`), 431, 'rest_request_header_too_large');
  });

  test.each([
    ['a Content-Length that is not a number', 'Content-Length: abc\r\n', ''],
    ['both Content-Length and Transfer-Encoding', 'Content-Length: 3\r\nTransfer-Encoding: chunked\r\n', '0\r\n\r\n'],
    ['a malformed chunk size', 'Transfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n'],
  ])('%s → 400 rest_bad_request', async (_name, headers, body) => {
    const answer = await send(
      `POST ${API}/subscribers/track-event HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${s.auth.manage}\r\nContent-Type: application/json\r\n${headers}\r\n${body}`,
    );
    expectWordPressShape(answer, 400, 'rest_bad_request');
  });

  test('a body longer than its Content-Length: the rest is a malformed next request → 400 rest_bad_request', async () => {
    const raw = await openRaw(portOf(s.base));
    raw.socket.write(
      `POST ${API}/subscribers/track-event HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${s.auth.manage}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}GARBAGE GARBAGE\r\n\r\n',
    );
    await raw.closed;
    // Node may answer the garbage before or after the first request: the last answer is the 400.
    const answers = raw.received().split(/(?=HTTP\/1\.1 \d{3} )/);
    const answer = parseResponse(answers[answers.length - 1]);
    expect(answer).not.toBeNull();
    expectWordPressShape(answer as RawResponse, 400, 'rest_bad_request');
  });
});
