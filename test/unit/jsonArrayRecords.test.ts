import { resolveInputPath } from '../../src/cli/import/inputPath';
import { jsonArrayRecords, MAX_ELEMENT_BYTES } from '../../src/cli/import/jsonArrayRecords';
import type { ImportRecord } from '../../src/cli/import/types';

async function* chunked(text: string | Buffer, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function read(text: string | Buffer, size = 1 << 16): Promise<ImportRecord[]> {
  const records: ImportRecord[] = [];
  for await (const record of jsonArrayRecords(chunked(text, size))) records.push(record);
  return records;
}

const SAMPLE =
  '\ufeff [\n' +
  '  {"a": "x, ] } \\" [ {", "é": "😀"},\n' +
  '  {"nested": {"list": [1, [2, {"b": "]"}]]}},\n' +
  '  [1],\n' +
  '  {"bad": },\n' +
  '  ,\n' +
  '  {"multi":\n    "line"}\n' +
  ']\n';

describe('jsonArrayRecords', () => {
  test('elements with punctuation in strings, nesting, multibyte text; rejections by starting line', async () => {
    expect(await read(SAMPLE)).toEqual([
      { line: 2, data: { a: 'x, ] } " [ {', é: '😀' } },
      { line: 3, data: { nested: { list: [1, [2, { b: ']' }]] } } },
      { line: 4, rejected: 'malformed element: a JSON object is expected, not an array' },
      { line: 5, rejected: expect.stringMatching(/^malformed JSON: /) },
      { line: 6, rejected: expect.stringMatching(/^malformed JSON: an empty array element/) },
      { line: 7, data: { multi: 'line' } },
    ]);
  });

  test('the same records whatever the chunk boundaries (down to one byte, through a multibyte character)', async () => {
    const whole = await read(SAMPLE);
    for (const size of [1, 2, 3, 5, 7, 13]) expect(await read(SAMPLE, size)).toEqual(whole);
  });

  test('[] and whitespace around it: no records', async () => {
    expect(await read(' [ \n ] \n')).toEqual([]);
  });

  test('a trailing comma is an empty element', async () => {
    expect(await read('[{"a": 1},\n]')).toEqual([{ line: 1, data: { a: 1 } }, { line: 2, rejected: expect.stringContaining('empty array element') }]);
  });

  test('an element over the limit is rejected alone, across chunks, and the next one is read', async () => {
    const big = JSON.stringify({ v: 'x'.repeat(MAX_ELEMENT_BYTES) });
    expect(await read(`[${big},{"ok":true}]`, 4096)).toEqual([
      { line: 1, rejected: `malformed element: longer than ${MAX_ELEMENT_BYTES} bytes` },
      { line: 1, data: { ok: true } },
    ]);
  });

  test.each([
    ['not an array', '{"a": 1}', /must hold one JSON array of objects/],
    ['empty', '  \n', /holds no JSON array/],
    ['cut short', '[{"a": 1}, {"b"', /not closed/],
    ['text after the array', '[] x', /text after the end of the JSON array/],
  ])('%s: a fatal ImportFileError', async (_case, text, message) => {
    await expect(read(text)).rejects.toMatchObject({ name: 'ImportFileError', message: expect.stringMatching(message) });
  });
});

describe('resolveInputPath', () => {
  test('INIT_CWD only when npm runs the import script; absolute paths as given', () => {
    expect(resolveInputPath('a.csv', { INIT_CWD: '/home/me/data', npm_lifecycle_event: 'import' }, '/pkg')).toBe('/home/me/data/a.csv');
    expect(resolveInputPath('../a.csv', { INIT_CWD: '/home/me/data', npm_lifecycle_event: 'import' }, '/pkg')).toBe('/home/me/a.csv');
    expect(resolveInputPath('a.csv', { INIT_CWD: '/home/me/data', npm_lifecycle_event: 'test' }, '/pkg')).toBe('/pkg/a.csv');
    expect(resolveInputPath('a.csv', {}, '/pkg')).toBe('/pkg/a.csv');
    expect(resolveInputPath('/abs/a.csv', { INIT_CWD: '/home/me/data', npm_lifecycle_event: 'import' }, '/pkg')).toBe('/abs/a.csv');
  });
});
