import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { openTestRuntime, testDatabaseUrl, type TestRuntime } from './helpers/testRuntime';

// Issue 15, item 8: contacts in the import, .json arrays, paths from where npm was run, one-line usage errors.

const ROOT = join(__dirname, '..');

// Each test runs the CLI as child processes (ts-node), slow on a loaded machine; a test cut off by
// a timeout would leave its child writing into the next test.
jest.setTimeout(300_000);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd: string; env: Record<string, string | undefined> }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, env: options.env as NodeJS.ProcessEnv, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** The import CLI from source, in its own process, in the package's folder (where npm runs scripts). */
function runImport(args: string[], schema: string, env: Record<string, string | undefined> = {}): Promise<Run> {
  const clean = { ...process.env, npm_lifecycle_event: undefined, INIT_CWD: undefined };
  return run(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/importEvents.ts', ...args], {
    cwd: ROOT,
    env: { ...clean, DATABASE_URL: testDatabaseUrl(), FCRM_SCHEMA: schema, ...env },
  });
}

/** The summary's count for a label, e.g. "  created        3". */
function count(stdout: string, label: string): number {
  const match = new RegExp(`^  ${label} +([\\d,]+)`, 'm').exec(stdout);
  if (!match) throw new Error(`no "${label}" in the summary:\n${stdout}`);
  return Number(match[1].replace(/,/g, ''));
}

describe('npm run import: contacts, JSON arrays, relative paths, usage errors', () => {
  let t: TestRuntime;
  let dir: string;
  beforeAll(async () => {
    // Nothing here delivers done actions: a delivery running under reset()'s TRUNCATE can deadlock it.
    t = await openTestRuntime({ outbox: { deliver: false } });
    dir = mkdtempSync(join(tmpdir(), 'fcrm-import-contacts-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });
  beforeEach(() => t.reset());

  const contacts = () =>
    t.sql<{ email: string; first_name: string | null; last_name: string | null; user_id: string | null; status: string }>(
      'SELECT email, first_name, last_name, user_id, status FROM {schema}.fc_subscribers ORDER BY lower(email)',
    );

  test('--contacts FILE.csv: created, updated, rejected lines by number; a re-run updates to the same values', async () => {
    await t.rt.api('contacts').createOrUpdate({ email: 'old@import.test', first_name: 'Old', status: 'unsubscribed' });
    const file = join(dir, 'contacts.csv');
    writeFileSync(
      file,
      [
        'Email,first_name,last_name,user_id,status,notes', // 1
        'ann@import.test,Ann,Lee,11,pending,x', // 2
        'OLD@import.test,,Newlast,,,', // 3: an update; empty cells keep the stored values
        ',No,Email,,,', // 4
        'not-an-email,A,B,,,', // 5
        'bad@import.test,A,B,abc,,', // 6
        'vip@import.test,A,B,,vip,', // 7
        'ben@import.test,"Ben, Jr.",,,,', // 8
      ].join('\n'),
    );
    const first = await runImport(['--contacts', file], t.schema);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('(csv, contacts)');
    expect([count(first.stdout, 'lines read'), count(first.stdout, 'created'), count(first.stdout, 'updated'), count(first.stdout, 'rejected')]).toEqual([7, 2, 1, 4]);
    expect(first.stdout).toContain('  line 4: invalid_data: The email field is required.\n');
    expect(first.stdout).toContain('  line 5: invalid_data: Invalid data provided. email must be a valid email address\n');
    expect(first.stdout).toContain('  line 6: invalid_data: Invalid data provided. user_id must be a positive integer\n');
    expect(first.stdout).toContain('  line 7: invalid_data: Invalid data provided. status must be one of');
    expect(await contacts()).toEqual([
      { email: 'ann@import.test', first_name: 'Ann', last_name: 'Lee', user_id: '11', status: 'pending' },
      { email: 'ben@import.test', first_name: 'Ben, Jr.', last_name: null, user_id: null, status: 'subscribed' },
      { email: 'old@import.test', first_name: 'Old', last_name: 'Newlast', user_id: null, status: 'unsubscribed' },
    ]);

    const again = await runImport(['--contacts', file, '--batch', '2'], t.schema);
    expect([count(again.stdout, 'created'), count(again.stdout, 'updated'), count(again.stdout, 'rejected')]).toEqual([0, 3, 4]);
    expect((await contacts()).length).toBe(3);
  });

  test('--contacts FILE.ndjson and FILE.json; then the events for them import', async () => {
    const ndjson = join(dir, 'contacts.ndjson');
    writeFileSync(ndjson, `${JSON.stringify({ email: 'nd@import.test', first_name: 'Nd', user_id: 7 })}\n\n{broken\n`);
    const nd = await runImport(['--contacts', ndjson], t.schema);
    expect([count(nd.stdout, 'created'), count(nd.stdout, 'rejected')]).toEqual([1, 1]);
    expect(nd.stdout).toContain('  line 3: malformed JSON: ');

    const json = join(dir, 'contacts.json');
    writeFileSync(json, JSON.stringify([{ email: 'js@import.test', last_name: 'Js', status: 'pending' }, { email: 'nd@import.test', last_name: 'Updated' }], null, 2));
    const js = await runImport(['--contacts', json], t.schema);
    expect(js.code).toBe(0);
    expect([count(js.stdout, 'created'), count(js.stdout, 'updated'), count(js.stdout, 'rejected')]).toEqual([1, 1, 0]);
    expect(await contacts()).toEqual([
      { email: 'js@import.test', first_name: null, last_name: 'Js', user_id: null, status: 'pending' },
      { email: 'nd@import.test', first_name: 'Nd', last_name: 'Updated', user_id: '7', status: 'subscribed' },
    ]);

    const events = join(dir, 'events.json');
    writeFileSync(events, JSON.stringify([{ event_key: 'signup', title: 'Signed up', email: 'js@import.test' }]));
    const tracked = await runImport([events], t.schema);
    expect([count(tracked.stdout, 'stored'), count(tracked.stdout, 'rejected')]).toEqual([1, 0]);
  });

  test('a .json array of events: elements spanning lines, rejected ones by the line they start on', async () => {
    await t.rt.api('contacts').createOrUpdate({ email: 'e@import.test' });
    const event = (title: string, extra: Record<string, unknown> = {}) => ({ event_key: 'k', title, email: 'e@import.test', ...extra });
    const text =
      '\ufeff[\n' + // 1 (a byte-order mark, as some editors write)
      `  ${JSON.stringify(event('One', { value: { nested: ['a', 'b,]}'] } }), null, 2).replace(/\n/g, '\n  ')},\n` + // 2-12
      '  {"event_key": "k", "title": broken},\n' + // 13
      '  [1, 2],\n' + // 14
      '  "text",\n' + // 15
      `  ${JSON.stringify(event('Quote "and" \\ backslash, comma'))},\n` + // 16
      `  ${JSON.stringify(event('T', { email: 'nobody@import.test' }))},\n` + // 17
      '  ,\n' + // 18: an empty element
      `  ${JSON.stringify(event('Last é 😀'))}\n` + // 19
      ']\n';
    const file = join(dir, 'events.json');
    writeFileSync(file, text);
    const first = await runImport([file], t.schema);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('(json)');
    expect([count(first.stdout, 'lines read'), count(first.stdout, 'stored'), count(first.stdout, 'rejected')]).toEqual([8, 3, 5]);
    const listed = first.stdout.split('\n').filter((line) => line.startsWith('  line '));
    expect(listed).toEqual([
      expect.stringMatching(/^ {2}line 13: malformed JSON: /),
      '  line 14: malformed element: a JSON object is expected, not an array',
      '  line 15: malformed element: a JSON object is expected, not a string',
      '  line 17: subscriber_not_found: Subscriber not found',
      expect.stringMatching(/^ {2}line 18: malformed JSON: an empty array element/),
    ]);
    const titles = await t.sql<{ title: string; value: string }>('SELECT title, value FROM {schema}.fc_event_tracking ORDER BY title COLLATE "C"');
    expect(titles).toEqual([
      { title: 'Last é 😀', value: '' },
      { title: 'One', value: JSON.stringify({ nested: ['a', 'b,]}'] }) },
      { title: 'Quote "and" \\ backslash, comma', value: '' },
    ]);
    // Derived idempotency keys work for JSON too: a second run replays.
    const again = await runImport([file], t.schema);
    expect([count(again.stdout, 'stored'), count(again.stdout, 'replayed')]).toEqual([0, 3]);
  });

  test.each([
    ['an object, not an array', '{"event_key": "k"}', 'line 1: a .json file must hold one JSON array of objects'],
    ['an empty file', '', 'the file holds no JSON array'],
    ['a cut-off array', '[{"event_key": "k", "title": "T", "email": "x@import.test"},\n{"event_key": "k"', 'the JSON array is not closed'],
    ['text after the array', '[]\n[]', 'line 2: text after the end of the JSON array'],
  ])('a .json file that is %s stops the import (exit 1), naming why', async (_case, text, message) => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, text);
    const result = await runImport([file], t.schema);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });

  test('a .json element over 1 MiB is rejected alone; memory holds one element, not the file', async () => {
    await t.rt.api('contacts').createOrUpdate({ email: 'big@import.test' });
    const file = join(dir, 'big.json');
    const ok = JSON.stringify({ event_key: 'k', title: 'T', email: 'big@import.test' });
    writeFileSync(file, `[${ok},\n${JSON.stringify({ event_key: 'k', title: 'x'.repeat(2 * 1024 * 1024) })},\n${ok}]`);
    const result = await runImport([file, '--no-derive-keys'], t.schema);
    expect(result.code).toBe(0);
    expect([count(result.stdout, 'stored'), count(result.stdout, 'rejected')]).toEqual([2, 1]);
    expect(result.stdout).toContain('  line 2: malformed element: longer than 1048576 bytes');
  });

  test('a relative FILE is found from INIT_CWD when npm runs the import script, not from the package folder', async () => {
    writeFileSync(join(dir, 'rel.ndjson'), `${JSON.stringify({ email: 'rel@import.test' })}\n`);
    const viaNpm = await runImport(['--contacts', 'rel.ndjson'], t.schema, { INIT_CWD: dir, npm_lifecycle_event: 'import' });
    expect(viaNpm.code).toBe(0);
    expect(count(viaNpm.stdout, 'created')).toBe(1);
    // An INIT_CWD left by another npm command (a test run, an outer script) is not this command line's.
    const inherited = await runImport(['--contacts', 'rel.ndjson'], t.schema, { INIT_CWD: dir, npm_lifecycle_event: 'test' });
    expect(inherited.code).toBe(2);
    expect(inherited.stderr).toContain(`cannot read "rel.ndjson" (${join(ROOT, 'rel.ndjson')}): ENOENT`);
  });

  test('through npm itself: `npm run import` from a subfolder reads the path relative to that subfolder', async () => {
    const file = join(dir, 'npm.csv');
    writeFileSync(file, 'email,first_name\nnpm@import.test,Npm\n');
    const from = join(ROOT, 'src');
    const clean = { ...process.env, npm_lifecycle_event: undefined, INIT_CWD: undefined };
    const result = await run('npm', ['run', '--silent', 'import', '--', '--contacts', relative(from, file)], {
      cwd: from,
      env: { ...clean, DATABASE_URL: testDatabaseUrl(), FCRM_SCHEMA: t.schema },
    });
    expect(result).toMatchObject({ code: 0 });
    expect(count(result.stdout, 'created')).toBe(1);
    expect(await contacts()).toEqual([{ email: 'npm@import.test', first_name: 'Npm', last_name: null, user_id: null, status: 'subscribed' }]);
  }, 300_000);

  test.each([
    ['FILE and --contacts together', ['events.ndjson', '--contacts', 'c.csv'], 'give either FILE (events) or --contacts FILE, not both: import the contacts first, then the events'],
    ['--no-done with --contacts', ['--contacts', 'c.csv', '--no-done'], '--no-done applies to events, not to --contacts'],
    ['--contacts without its FILE', ['--contacts'], "Option '--contacts <value>' argument missing"],
    ['a CSV of contacts without an email column', ['--contacts', '{dir}/nomail.csv'], null],
  ])('%s → one line and a hint (exit 2), or a fatal file error (exit 1)', async (_case, args, message) => {
    writeFileSync(join(dir, 'nomail.csv'), 'first_name\nAnn\n');
    const result = await runImport(args.map((a) => a.replace('{dir}', dir)), t.schema);
    if (message === null) {
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('the CSV header row must have the column email (missing: email)');
      return;
    }
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`import: ${message}\nRun "npm run import -- --help" for the options.\n`);
  });
});
