import { resolve } from 'node:path';
import { LEAK } from './kit';

// The pattern every hostile answer is checked against must see a leak in any checkout, not one folder.
describe('LEAK recognises leaked paths and frames wherever the checkout is', () => {
  const root = resolve(__dirname, '..', '..');
  test.each([
    ['this checkout', `failed in ${root}/src/rest/buildServer.ts`],
    ['this checkout, JSON-escaped', JSON.stringify({ message: `${root}\\src` })],
    ['a source file and line', 'TypeError at buildServer.ts:77'],
    ['a compiled file and line', 'dist/src/rest/buildServer.js:77:12'],
    ['a home folder', 'ENOENT: open /home/ci/app/data'],
    ['another checkout', "cannot read '/srv/checkout/x'"],
    ['root', 'open /root/.fcrm-data'],
    ['a Windows path', 'C:\\Users\\ci\\app'],
    ['a Windows path in JSON', JSON.stringify({ message: 'C:\\Users\\ci\\app' })],
    ['node_modules', 'from node_modules/fastify/lib'],
    ['a stack frame', '    at handler (/opt/app/index.js:3:9)'],
  ])('%s', (_name, text) => {
    expect(text).toMatch(LEAK);
  });

  test.each([
    ['a WordPress error', JSON.stringify({ code: 'rest_invalid_json', message: 'Invalid JSON body passed.', data: { status: 400 } })],
    ['a FluentCRM error with a newline', JSON.stringify({ message: 'Line:\nnext', error_code: 'invalid_data' })],
    ['a URL with a path', 'see http://127.0.0.1:8080/wp-json/fluent-crm/v2/subscribers'],
    ['a time of day', 'at 12:30:05'],
  ])('not a leak: %s', (_name, text) => {
    expect(text).not.toMatch(LEAK);
  });
});
