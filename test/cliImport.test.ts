import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestRuntime, testDatabaseUrl, type TestRuntime } from './helpers/testRuntime';

const ROOT = join(__dirname, '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The import CLI as a user runs it, in its own process, on this file's schema. */
function runImport(args: string[], schema: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli/importEvents.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: testDatabaseUrl(), FCRM_SCHEMA: schema, ...env },
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The summary's counts, e.g. "  stored     99,992". */
function counts(stdout: string): { read: number; stored: number; replayed: number; rejected: number } {
  const count = (label: string) => {
    const match = new RegExp(`^  ${label} +([\\d,]+)`, 'm').exec(stdout);
    if (!match) throw new Error(`no "${label}" in the summary:\n${stdout}`);
    return Number(match[1].replace(/,/g, ''));
  };
  return { read: count('lines read'), stored: count('stored'), replayed: count('replayed'), rejected: count('rejected') };
}

describe('npm run import', () => {
  let t: TestRuntime;
  let dir: string;
  const email = (i: number) => `c${i}@import.test`;

  beforeAll(async () => {
    t = await openTestRuntime();
    for (let i = 0; i < 100; i += 1) await t.rt.api('contacts').createOrUpdate({ email: email(i) });
    dir = mkdtempSync(join(tmpdir(), 'fcrm-import-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  const eventTotals = async () =>
    (await t.sql<{ total: number; occurrences: number }>(
      `SELECT (SELECT coalesce(sum(counter), 0)::int FROM {schema}.fc_event_tracking) AS total,
              (SELECT count(*)::int FROM {schema}.fc_event_occurrences) AS occurrences`,
    ))[0];

  test('a 100,000-line NDJSON file: progress, exact counts, rejected lines by number; importing it again changes nothing', async () => {
    await t.sql('TRUNCATE {schema}.fc_event_tracking, {schema}.fc_event_idempotency_keys CASCADE');
    const bad = new Map<number, { line: string; reason: string }>([
      [17, { line: '{"event_key": "k", bad json', reason: 'malformed JSON: ' }],
      [4242, { line: '[1, 2]', reason: 'malformed line: a JSON object is expected, not an array' }],
      [25000, { line: JSON.stringify({ event_key: 'k', title: 'T', email: 'nobody@import.test' }), reason: 'subscriber_not_found: Subscriber not found' }],
      [50001, { line: JSON.stringify({ event_key: 'k', email: email(1) }), reason: 'invalid_data: Invalid data provided. key and event are required' }],
      [77777, { line: JSON.stringify({ event_key: 'k', title: 'T', email: email(1), occurred_at: '1999-01-01' }), reason: 'invalid_data: Invalid data provided. occurred_at must be' }],
      [99999, { line: JSON.stringify({ event_key: 'k', title: 'T', email: email(1), value: 'v'.repeat(70_000) }), reason: 'value_too_long: The value is too long' }],
    ]);
    const blank = new Set([500, 60_000]);
    const duplicate = JSON.stringify({ event_key: 'dup', title: 'Same line', email: email(7) });
    const expected = new Map<string, number>();
    let dated = 0;
    const lines: string[] = [];
    for (let i = 1; i <= 100_000; i += 1) {
      const wrong = bad.get(i);
      if (wrong) lines.push(wrong.line);
      else if (blank.has(i)) lines.push('   ');
      else if (i >= 90_001 && i <= 90_003) lines.push(duplicate); // identical lines are three occurrences
      else {
        const event: Record<string, unknown> = { event_key: `key_${Math.floor(i / 100) % 50}`, title: 'Title', email: email(i % 100), value: `v${i}` };
        if (i % 1000 === 0) event.idempotency_key = `explicit-${i}`;
        if (i % 7 === 0) {
          event.occurred_at = new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();
          dated += 1;
        }
        lines.push(JSON.stringify(event));
      }
      const stored = wrong || blank.has(i) ? null : i >= 90_001 && i <= 90_003 ? `${email(7)}|dup` : `${email(i % 100)}|key_${Math.floor(i / 100) % 50}`;
      if (stored) expected.set(stored, (expected.get(stored) ?? 0) + 1);
    }
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const first = await runImport([file], t.schema);
    expect(first.code).toBe(0);
    expect(counts(first.stdout)).toEqual({ read: 99_998, stored: 99_992, replayed: 0, rejected: 6 });
    expect(first.stderr).toMatch(/^import: [\d,]+ lines \(6 rejected\) · [\d,]+ lines\/s · 100% · ETA 0s$/m); // the last progress line
    expect(first.stderr.split('\n').filter((l) => l.startsWith('import: ')).length).toBeGreaterThanOrEqual(2);
    const listed = first.stdout.split('\n').filter((l) => l.startsWith('  line '));
    expect(listed.map((l) => Number(/^ {2}line (\d+):/.exec(l)![1]))).toEqual([...bad.keys()]);
    for (const [number, { reason }] of bad) expect(listed.find((l) => l.startsWith(`  line ${number}: `))).toContain(reason);
    expect(first.stdout).toContain('6 of 99,998 lines were rejected');

    const rows = await t.sql<{ email: string; event_key: string; counter: number }>(
      `SELECT s.email, e.event_key, e.counter FROM {schema}.fc_event_tracking e JOIN {schema}.fc_subscribers s ON s.id = e.subscriber_id`,
    );
    expect(new Map(rows.map((r) => [`${r.email}|${r.event_key}`, r.counter]))).toEqual(expected);
    expect(await eventTotals()).toEqual({ total: 99_992, occurrences: 99_992 });
    expect(await t.sql(`SELECT count(*)::int AS n FROM {schema}.fc_event_occurrences WHERE occurred_at < '2025-01-03'`)).toEqual([{ n: dated }]);

    const again = await runImport([file], t.schema);
    expect(again.code).toBe(0);
    expect(counts(again.stdout)).toEqual({ read: 99_998, stored: 0, replayed: 99_992, rejected: 6 });
    const rowsAgain = await t.sql<{ email: string; event_key: string; counter: number }>(
      `SELECT s.email, e.event_key, e.counter FROM {schema}.fc_event_tracking e JOIN {schema}.fc_subscribers s ON s.id = e.subscriber_id`,
    );
    expect(new Map(rowsAgain.map((r) => [`${r.email}|${r.event_key}`, r.counter]))).toEqual(expected);
    expect(await eventTotals()).toEqual({ total: 99_992, occurrences: 99_992 });
  }, 120_000);

  test('CSV with a header row (CRLF, quoted commas and newlines, unknown and empty columns); a re-import replays', async () => {
    await t.sql('TRUNCATE {schema}.fc_event_tracking, {schema}.fc_event_idempotency_keys CASCADE');
    const rows = [
      'Event_Key,title,value,provider,email,occurred_at,idempotency_key,notes', // 1
      `signup,Signed up,"plan, pro",web,${email(1)},2026-01-05T10:00:00Z,,ignored`, // 2
      `visit,Visited,"line one`, // 3
      `line two",,${email(2)},,,`, // 4
      `signup,Signed up,x,web,nobody@import.test,,,`, // 5
      `too,few,fields`, // 6
      '', // 7 (blank: skipped)
      `signup,Signed up,"plan, pro",web,${email(1)},2026-01-05T10:00:00Z,,ignored`, // 8: identical to 2
      `paid,Paid,42,shop,${email(3)},,order-9,`, // 9
    ];
    const file = join(dir, 'events.csv');
    writeFileSync(file, `${rows.join('\r\n')}\r\n`);

    const first = await runImport([file], t.schema);
    expect(first.code).toBe(0);
    expect(counts(first.stdout)).toEqual({ read: 6, stored: 4, replayed: 0, rejected: 2 });
    expect(first.stdout).toContain('  line 5: subscriber_not_found: Subscriber not found\n');
    expect(first.stdout).toContain('  line 6: malformed CSV: 3 fields, the header has 8\n');

    const stored = await t.sql(
      `SELECT s.email, e.event_key, e.counter, e.value, e.provider FROM {schema}.fc_event_tracking e
         JOIN {schema}.fc_subscribers s ON s.id = e.subscriber_id ORDER BY e.event_key`,
    );
    expect(stored).toEqual([
      { email: email(3), event_key: 'paid', counter: 1, value: '42', provider: 'shop' },
      { email: email(1), event_key: 'signup', counter: 2, value: 'plan, pro', provider: 'web' },
      { email: email(2), event_key: 'visit', counter: 1, value: 'line one\nline two', provider: 'custom' },
    ]);
    const history = await t.sql(`SELECT occurred_at, idempotency_key FROM {schema}.fc_event_occurrences WHERE value = 'plan, pro' ORDER BY id`);
    expect(history).toEqual([
      { occurred_at: new Date('2026-01-05T10:00:00Z'), idempotency_key: expect.stringMatching(/^import:[0-9a-f]{64}$/) },
      { occurred_at: new Date('2026-01-05T10:00:00Z'), idempotency_key: expect.stringMatching(/^import:[0-9a-f]{64}:2$/) },
    ]);
    expect(await t.sql(`SELECT idempotency_key FROM {schema}.fc_event_occurrences WHERE value = '42'`)).toEqual([{ idempotency_key: 'order-9' }]);

    const again = await runImport([file, '--format', 'csv', '--batch', '2'], t.schema);
    expect(counts(again.stdout)).toEqual({ read: 6, stored: 0, replayed: 4, rejected: 2 });
    expect(await eventTotals()).toEqual({ total: 4, occurrences: 4 });
  }, 60_000);

  test('--no-derive-keys: lines without a key count again; --no-done: no done action is recorded', async () => {
    await t.sql('TRUNCATE {schema}.fc_event_tracking, {schema}.fc_event_idempotency_keys CASCADE');
    const file = join(dir, 'plain.jsonl');
    writeFileSync(file, `${JSON.stringify({ event_key: 'k', title: 'T', email: email(4) })}\n${JSON.stringify({ event_key: 'k', title: 'T', email: email(4), idempotency_key: 'once' })}`);
    const outbox = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM {schema}.fc_event_outbox'))[0].n;
    const before = await outbox();

    expect(counts((await runImport([file, '--no-derive-keys', '--no-done'], t.schema)).stdout)).toMatchObject({ stored: 2 });
    expect(await outbox()).toBe(before);
    expect(counts((await runImport([file, '--no-derive-keys'], t.schema)).stdout)).toMatchObject({ stored: 1, replayed: 1 });
    expect(await outbox()).toBe(before + 1);
    expect(await t.sql('SELECT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: 3 }]);
  }, 60_000);

  test.each([
    ['no FILE', [], 'FILE is required'],
    ['a missing file', ['/nonexistent/events.ndjson'], 'cannot read "/nonexistent/events.ndjson": ENOENT'],
    ['an unknown extension', ['{dir}/events.txt'], 'pass --format ndjson, csv or json'],
    ['a bad --format', ['{dir}/events.txt', '--format', 'xml'], '--format must be "ndjson", "csv" or "json", not "xml"'],
    ['--batch 0', ['{dir}/events.txt', '--format', 'csv', '--batch', '0'], '--batch must be a whole number from 1 to 1000, not "0"'],
    ['--batch 1001', ['{dir}/events.txt', '--format', 'csv', '--batch', '1001'], '--batch must be a whole number from 1 to 1000'],
    ['an unknown option', ['{dir}/events.txt', '--fast'], "Unknown option '--fast'"],
    ['a folder', ['{dir}', '--format', 'csv'], 'is not a file'],
  ])('%s → exit 2 with one line saying so and a hint to --help, not the whole usage', async (_case, args, message) => {
    writeFileSync(join(dir, 'events.txt'), '');
    const run = await runImport(args.map((a) => a.replace('{dir}', dir)), t.schema);
    expect(run.code).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^import: /), 'Run "npm run import -- --help" for the options.']);
    expect(lines[0]).toContain(message);
    expect(run.stderr).not.toContain('Usage:');
    expect(run.stdout).toBe('');
  });

  test('--help prints the usage and exits 0', async () => {
    const run = await runImport(['--help'], t.schema);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--no-derive-keys');
    expect(run.stdout).toContain('FCRM_SCHEMA');
  });

  test('CSV: a quote never closed rejects the record it starts, naming the lines it swallowed', async () => {
    await t.sql('TRUNCATE {schema}.fc_event_tracking, {schema}.fc_event_idempotency_keys CASCADE');
    const file = join(dir, 'unclosed.csv');
    writeFileSync(file, `event_key,title,email\nok,First,${email(1)}\nbad,"never closed,${email(1)}\nlost,Second,${email(1)}\n`);
    const run = await runImport([file], t.schema);
    expect(run.code).toBe(0);
    expect(counts(run.stdout)).toEqual({ read: 2, stored: 1, replayed: 0, rejected: 1 });
    expect(run.stdout).toContain('  line 3: malformed CSV: a quoted field is never closed; lines 3 to 4 were read as one record\n');
  });

  test('fatal errors exit 1: a CSV header without title, a runaway CSV record, an unreachable database', async () => {
    const runaway = join(dir, 'runaway.csv');
    writeFileSync(runaway, `event_key,title,email\nok,First,${email(1)}\nbad,"${'x,'.repeat(2_200_000)}\n`);
    const stopped = await runImport([runaway], t.schema);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain('import: stopped: line 3: a CSV record longer than 4194304 bytes (an unclosed quote?); the import stopped there');
    expect(stopped.stderr).toContain('Before it stopped: 1 lines read');


    const file = join(dir, 'nohead.csv');
    writeFileSync(file, `event_key,email\nk,${email(1)}\n`);
    const headless = await runImport([file], t.schema);
    expect(headless.code).toBe(1);
    expect(headless.stderr).toContain('the CSV header row must have the columns event_key and title (missing: title)');
    expect(headless.stdout).toBe('');

    const unreachable = await runImport([file], t.schema, { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^import: /m);
  });
});
