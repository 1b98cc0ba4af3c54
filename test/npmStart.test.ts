import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = join(__dirname, '..');

/** Runs key:create (from source) and resolves with its last line, NAME:PASSWORD. */
function createKey(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'cli', 'createKey.ts'), ...args], {
      cwd: ROOT,
      env,
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim().split('\n').pop() ?? '') : reject(new Error(`key:create exited ${code}: ${out}`))));
  });
}

/** Resolves with the text once `pattern` appears in the child's stdout. */
function waitFor(child: ChildProcessWithoutNullStreams, pattern: RegExp, output: { text: string }): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = output.text.match(pattern);
      if (match) {
        child.stdout.off('data', check);
        resolve(match);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before printing ${pattern}:\n${output.text}`)));
    check();
  });
}

// `npm start` as an operator runs it: fresh data folder, printed credential, the seed's REST calls, SIGTERM.
test('npm start serves the REST API on the embedded database and stops cleanly on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fcrm-start-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', FCRM_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const child = spawn('npm', ['start'], { cwd: ROOT, env });
  const output = { text: '' };
  child.stdout.on('data', (chunk) => (output.text += chunk));
  child.stderr.on('data', (chunk) => (output.text += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    const [, base] = await waitFor(child, /listening on (http:\/\/\S+)/, output);
    const [, credential] = await waitFor(child, /^\s+(admin:[A-Za-z0-9]{24})$/m, output);
    const authorization = `Basic ${Buffer.from(credential).toString('base64')}`;
    const post = (path: string, body: unknown) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const contact = await post('/subscribers', { email: 'john@example.com', first_name: 'John' });
    expect(contact.status).toBe(200);
    const { contact: created } = (await contact.json()) as { contact: { id: number } };

    const tracked = await post('/subscribers/track-event', {
      event_key: 'testing_from_rest_api',
      title: 'Testing From REST API',
      email: 'john@example.com',
      value: 'This is my event value with plain text',
      provider: 'woocommerce',
    });
    expect(tracked.status).toBe(200);
    expect(await tracked.json()).toEqual({ message: 'Event has been tracked', id: 1 });

    const list = await fetch(`${base}/subscribers/${created.id}/tracking-events`, { headers: { authorization } });
    const { events } = (await list.json()) as { events: { total: number; data: Array<Record<string, unknown>> } };
    expect(events.total).toBe(1);
    expect(events.data[0]).toMatchObject({ subscriber_id: String(created.id), counter: '1', provider: 'woocommerce', event_key: 'testing_from_rest_api' });

    const unauthenticated = await fetch(`${base}/subscribers/${created.id}/tracking-events`);
    expect(unauthenticated.status).toBe(401);

    // key:create on the same data folder while the server runs: it connects to the running server's
    // embedded database instead of opening PGlite's files a second time.
    const keyLine = await createKey(env, ['--name', 'ops', '--caps', 'read']);
    expect(keyLine).toMatch(/^ops:[A-Za-z0-9]{24}$/);
    const reader = `Basic ${Buffer.from(keyLine).toString('base64')}`;
    expect((await fetch(`${base}/subscribers/${created.id}/tracking-events`, { headers: { authorization: reader } })).status).toBe(200);
    const readerPost = await fetch(`${base}/subscribers/track-event`, {
      method: 'POST',
      headers: { authorization: reader, 'content-type': 'application/json' },
      body: JSON.stringify({ event_key: 'k', title: 'T', email: 'john@example.com' }),
    });
    expect(readerPost.status).toBe(403);

    // The embedded database's password is in the data folder for the processes that need it, never in the output.
    const databasePassword = readFileSync(join(dataDir, 'fcrm-embedded-password'), 'utf8').trim();
    expect(databasePassword).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(output.text).not.toContain(databasePassword);
    // The banner names where the data lives: the data folder, not the loopback URL.
    expect(output.text).toContain(`Database: embedded PostgreSQL (PGlite), data folder ${resolve(dataDir)}`);
    expect(output.text).toContain(`API docs (browsable): ${base}/docs`);

    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);
