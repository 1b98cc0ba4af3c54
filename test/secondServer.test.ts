import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from './helpers/testRuntime';

const ROOT = join(__dirname, '..');
const OWNER_FILE = 'fcrm-embedded-server.json';

interface Started {
  child: ChildProcessWithoutNullStreams;
  output: { text: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm start`'s program (built once here if stale: three embedded starts from source take long on a busy machine), with the given environment on top of the test's own minus DATABASE_URL. */
function start(env: NodeJS.ProcessEnv): Started {
  const base: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn', PORT: '0' };
  delete base.DATABASE_URL;
  delete base.FCRM_DATA_DIR;
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'server', 'main.js')], {
    cwd: ROOT,
    env: { ...base, ...env },
  });
  const output = { text: '' };
  child.stdout.on('data', (chunk) => (output.text += chunk));
  child.stderr.on('data', (chunk) => (output.text += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output, exited };
}

/** The REST base URL once the server listens; rejects if it exits first. */
function listening(server: Started): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = server.output.text.match(/listening on (http:\/\/\S+)/);
      if (match) {
        server.child.stdout.off('data', check);
        resolve(match[1]);
      }
    };
    server.child.stdout.on('data', check);
    void server.exited.then(({ code }) => reject(new Error(`the server exited (${code}) before listening:\n${server.output.text}`)));
    check();
  });
}

async function stop(server: Started): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
  return server.exited;
}

/** The pid of a process that has ended (a stale owner). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.js'), '--if-stale'], { cwd: ROOT, stdio: 'ignore' });
}, 300_000);

// One embedded data folder, one server: a second refuses (naming the first and the ways out), a
// stale owner file does not block, and a taken port names PORT.
test('a second server on a served data folder refuses to start, naming the first; a stale owner does not block', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fcrm-second-'));
  const first = start({ FCRM_DATA_DIR: dataDir });
  let later: Started | undefined;
  try {
    const base = await listening(first);
    // The owner file names the REST address as well as the pid, for the refusal below.
    expect(JSON.parse(readFileSync(join(dataDir, OWNER_FILE), 'utf8'))).toMatchObject({ pid: first.child.pid, server: base });

    const second = start({ FCRM_DATA_DIR: dataDir });
    expect(await second.exited).toEqual({ code: 1, signal: null });
    const refusal = second.output.text;
    expect(refusal).toContain(`is already served by process ${first.child.pid}, whose REST API listens on ${base}`);
    expect(refusal).toMatch(/PORT=\d+ FCRM_DATA_DIR=\S+ npm start/);
    expect(refusal).toContain('DATABASE_URL=');
    expect(refusal).not.toContain('listening on');
    // The first server still serves.
    expect((await fetch(`${base}/subscribers`)).status).toBe(401);

    expect(await stop(first)).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, OWNER_FILE))).toBe(false);

    // A process that died without removing its owner file (kill -9, power cut) does not block a start.
    writeFileSync(join(dataDir, OWNER_FILE), JSON.stringify({ pid: await deadPid(), url: 'postgres://postgres@127.0.0.1:1/postgres', server: 'http://127.0.0.1:1' }), {
      mode: 0o600,
    });
    later = start({ FCRM_DATA_DIR: dataDir });
    const laterBase = await listening(later);
    expect((await fetch(`${laterBase}/subscribers`)).status).toBe(401);
    expect(await stop(later)).toEqual({ code: 0, signal: null });
  } finally {
    for (const server of [first, later]) if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 600_000);

test('a port in use: the message says PORT picks another', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const schema = uniqueSchemaName();
  try {
    const port = String((holder.address() as AddressInfo).port);
    const clash = start({ PORT: port, DATABASE_URL: testDatabaseUrl(), FCRM_SCHEMA: schema });
    expect(await clash.exited).toEqual({ code: 1, signal: null });
    expect(clash.output.text).toContain(`EADDRINUSE`);
    expect(clash.output.text).toContain('pick another port with PORT (e.g. PORT=8081 npm start; PORT=0 picks a free one)');
  } finally {
    await new Promise((resolve) => holder.close(resolve));
    await dropSchema(schema);
  }
}, 300_000);
