import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type ClientConfig } from 'pg';

const ROOT = join(__dirname, '..');
const FIXTURE = join(__dirname, 'fixtures', 'embeddedServerProcess.ts');
const AUTH_TIMEOUT_MS = 500;

interface Served {
  child: ChildProcessWithoutNullStreams;
  port: number;
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** The embedded database of `dataDir`, served by a child process started with `umask 000`. */
async function serve(dataDir: string): Promise<Served> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const child = spawn('sh', ['-c', 'umask 000 && exec "$0" -r ts-node/register/transpile-only "$@"', process.execPath, FIXTURE, dataDir, String(AUTH_TIMEOUT_MS)], {
    cwd: ROOT,
    env,
  });
  const lines: Array<Record<string, unknown>> = [];
  let text = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const complete = text.split('\n');
      text = complete.pop() ?? '';
      for (const line of complete) {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        lines.push(parsed);
        if (typeof parsed.port === 'number') resolve(parsed.port);
      }
    });
    void exited.then((code) => reject(new Error(`the embedded database exited (${code}) before serving:\n${stderr}`)));
  });
  return { child, port, lines, exited };
}

async function stop(served: Served): Promise<number | null> {
  served.child.stdin.end();
  return served.exited;
}

function client(port: number, config: ClientConfig): Client {
  return new Client({ host: '127.0.0.1', port, database: 'postgres', connectionTimeoutMillis: 10_000, ...config });
}

/** Connects, runs SELECT 1 and ends; rejects with the connection's error. */
async function selectOne(port: number, config: ClientConfig): Promise<unknown> {
  const c = client(port, config);
  try {
    await c.connect();
    return (await c.query('SELECT 1 AS one')).rows;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Every entry under `root` (symbolic links aside) with its permission bits, e.g. "base/5/16384 600". */
function modes(root: string): Map<string, number> {
  const found = new Map<string, number>([['.', lstatSync(root).mode & 0o777]]);
  const walk = (folder: string, prefix: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      const name = prefix + entry.name;
      if (entry.isSymbolicLink()) continue;
      found.set(name, lstatSync(path).mode & 0o777);
      if (entry.isDirectory()) walk(path, `${name}/`);
    }
  };
  walk(root, '');
  return found;
}

/** The entries whose mode is not 0700 (folders) / 0600 (files): empty when the folder is private. */
function notPrivate(root: string): string[] {
  return [...modes(root)]
    .filter(([name, mode]) => mode !== (lstatSync(join(root, name)).isDirectory() ? 0o700 : 0o600))
    .map(([name, mode]) => `${name} ${mode.toString(8)}`);
}

const int32 = (n: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(n, 0);
  return bytes;
};

function startupPacket(parameters: Record<string, string>): Buffer {
  const body = Buffer.concat([int32(196_608), Buffer.from(`${Object.entries(parameters).map(([k, v]) => `${k}\0${v}\0`).join('')}\0`)]);
  return Buffer.concat([int32(body.length + 4), body]);
}

function typedMessage(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
}

/** A raw connection: sends `send` (one write per element, each after the previous answer arrived) and collects all it gets until closed. */
function rawExchange(port: number, send: Buffer[], options: { waitForAnswer?: boolean } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let next = 0;
    const sendNext = () => {
      if (next < send.length) socket.write(send[next++]);
    };
    socket.on('connect', sendNext);
    socket.on('data', (chunk) => {
      received.push(chunk);
      if (options.waitForAnswer !== false) sendNext();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(received)));
  });
}

/** The fields of the first ErrorResponse in `bytes` (e.g. {S: 'FATAL', C: '28P01', M: …}), null when there is none. */
function errorFields(bytes: Buffer): Record<string, string> | null {
  let offset = 0;
  while (offset + 5 <= bytes.length) {
    if (bytes.length - offset === 1) return null; // a lone 'N' answer
    const type = String.fromCharCode(bytes[offset]);
    const length = bytes.readInt32BE(offset + 1);
    if (type === 'E') {
      const fields: Record<string, string> = {};
      for (const part of bytes.toString('utf8', offset + 5, offset + 1 + length).split('\0')) if (part) fields[part[0]] = part.slice(1);
      return fields;
    }
    offset += 1 + length;
  }
  return null;
}

/** The message types in `bytes`, e.g. ['R', 'E']. */
function messageTypes(bytes: Buffer): string[] {
  const types: string[] = [];
  for (let offset = 0; offset + 5 <= bytes.length; offset += 1 + bytes.readInt32BE(offset + 1)) types.push(String.fromCharCode(bytes[offset]));
  return types;
}

describe('embedded database: password and private data folder (served with umask 000)', () => {
  let root: string;
  let dataDir: string;
  let served: Served;
  let password: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'fcrm-embedded-security-'));
    dataDir = join(root, 'data');
    served = await serve(dataDir);
    // Read as the CLIs read it; a missing file fails the first test below rather than every test.
    password = existsSync(join(dataDir, 'fcrm-embedded-password')) ? readFileSync(join(dataDir, 'fcrm-embedded-password'), 'utf8').trim() : '';
  }, 120_000);

  afterAll(async () => {
    if (served.child.exitCode === null) served.child.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  test('the password is 32 random bytes or more, base64url, in a file only the owner can read', () => {
    expect(password).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(lstatSync(join(dataDir, 'fcrm-embedded-password')).mode & 0o777).toBe(0o600);
  });

  test('the right password works', async () => {
    expect(await selectOne(served.port, { user: 'postgres', password })).toEqual([{ one: 1 }]);
  });

  test('a wrong password is refused with 28P01, as PostgreSQL refuses it', async () => {
    await expect(selectOne(served.port, { user: 'postgres', password: `${password}x` })).rejects.toMatchObject({
      code: '28P01',
      severity: 'FATAL',
      message: 'password authentication failed for user "postgres"',
    });
  });

  test('another user name is refused with 28P01, even with the right password', async () => {
    await expect(selectOne(served.port, { user: 'intruder', password })).rejects.toMatchObject({
      code: '28P01',
      message: 'password authentication failed for user "intruder"',
    });
  });

  test('a client without a password does not get a session', async () => {
    await expect(selectOne(served.port, { user: 'postgres', password: undefined })).rejects.toThrow(/password/);
  });

  test('a client that skips authentication and sends a query gets a FATAL error and no rows', async () => {
    const answer = await rawExchange(served.port, [startupPacket({ user: 'postgres', database: 'postgres' }), typedMessage('Q', Buffer.from('SELECT 1\0'))]);
    expect(messageTypes(answer)).toEqual(['R', 'E']); // AuthenticationSASL, then the error: no AuthenticationOk, no DataRow
    expect(errorFields(answer)).toMatchObject({ S: 'FATAL', C: '08P01' });
  });

  test('the URL in the owner file carries no password and is refused on its own', async () => {
    const owner = JSON.parse(readFileSync(join(dataDir, 'fcrm-embedded-server.json'), 'utf8')) as { url: string };
    expect(new URL(owner.url).password).toBe('');
    expect(JSON.stringify(owner)).not.toContain(password);
    await expect(selectOne(served.port, { connectionString: owner.url, password: undefined })).rejects.toThrow();
    const guessed = new URL(owner.url);
    guessed.password = 'guess';
    await expect(selectOne(served.port, { connectionString: guessed.toString() })).rejects.toMatchObject({ code: '28P01' });
  });

  test('SSL and GSS encryption requests are declined with N, a CancelRequest is dropped with the connection', async () => {
    const sslRequest = Buffer.concat([int32(8), int32(80_877_103)]);
    const gssRequest = Buffer.concat([int32(8), int32(80_877_104)]);
    const afterRequests = await rawExchange(served.port, [gssRequest, sslRequest, startupPacket({ user: 'postgres' }), typedMessage('Q', Buffer.from('SELECT 1\0'))]);
    expect(afterRequests.subarray(0, 2).toString('latin1')).toBe('NN');
    expect(messageTypes(afterRequests.subarray(2))).toEqual(['R', 'E']);

    const cancel = await rawExchange(served.port, [Buffer.concat([int32(16), int32(80_877_102), int32(1), int32(2)])]);
    expect(cancel.length).toBe(0);
  });

  test('an unauthenticated connection that stays silent, or stops half-way, is closed after the timeout', async () => {
    expect((await rawExchange(served.port, [])).length).toBe(0);
    // Half a startup packet, then nothing more.
    expect((await rawExchange(served.port, [startupPacket({ user: 'postgres' }).subarray(0, 10)])).length).toBe(0);
    // A complete startup packet, then no SASL response: only AuthenticationSASL was sent.
    expect(messageTypes(await rawExchange(served.port, [startupPacket({ user: 'postgres' })]))).toEqual(['R']);
  });

  test('an oversize startup packet is refused at its length, before it is received', async () => {
    const announced = Buffer.concat([int32(1024 * 1024), int32(196_608), Buffer.alloc(60_000, 0x61)]);
    const answer = await rawExchange(served.port, [announced]);
    expect(errorFields(answer)).toMatchObject({ S: 'FATAL', C: '08P01', M: 'invalid length of startup packet' });
  });

  test('sockets held open without a password cannot keep a client with the password out', async () => {
    // The fixture allows 20 sessions; 60 idle unauthenticated sockets would have filled a cap on all sockets.
    const held = await Promise.all(
      Array.from({ length: 60 }, () => new Promise<ReturnType<typeof connect>>((resolve) => {
        const socket = connect(served.port, '127.0.0.1', () => resolve(socket));
        socket.on('error', () => undefined);
      })),
    );
    try {
      expect(await selectOne(served.port, { user: 'postgres', password })).toEqual([{ one: 1 }]);
    } finally {
      for (const socket of held) socket.destroy();
    }
  });

  test('import (the CLI) reads the password from the data folder and works through the running server', async () => {
    const file = join(root, 'events.ndjson');
    writeFileSync(file, `${JSON.stringify({ event_key: 'imported', title: 'Imported', email: 'import@example.com' })}\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, FCRM_DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/importEvents.ts', file], { cwd: ROOT, env, timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      ),
    );
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.not.stringContaining(password) });
    // The contact does not exist: answering that took the database, as did the migrations import applied.
    expect(run.stdout).toContain('line 1: subscriber_not_found: Subscriber not found');
    expect(run.stdout).not.toContain(password);
    const c = client(served.port, { user: 'postgres', password });
    await c.connect();
    try {
      expect((await c.query('SELECT count(*)::int AS n FROM migrations')).rows[0].n).toBeGreaterThan(0);
    } finally {
      await c.end();
    }
  }, 120_000);

  test('folder 0700 and files 0600 after the start and after writes, and still after the stop', async () => {
    expect(notPrivate(dataDir)).toEqual([]);
    const c = client(served.port, { user: 'postgres', password });
    await c.connect();
    try {
      await c.query('CREATE TABLE written (id int PRIMARY KEY, body text)');
      await c.query("INSERT INTO written SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g");
      await c.query('CREATE INDEX written_body ON written (body)');
      await c.query('CHECKPOINT');
    } finally {
      await c.end();
    }
    expect(notPrivate(dataDir)).toEqual([]);
    expect(await stop(served)).toBe(0);
    expect(served.lines).toContainEqual({ stopped: true });
    expect(notPrivate(dataDir)).toEqual([]);
    // A new folder is no news: nothing was logged.
    expect(served.lines.filter((line) => 'warn' in line)).toEqual([]);
  }, 120_000);
});

test('an existing data folder open to other users is made private at start, with one warning naming it', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fcrm-embedded-loose-'));
  const dataDir = join(root, 'data');
  try {
    mkdirSync(join(dataDir, 'nested'), { recursive: true });
    writeFileSync(join(dataDir, 'left-behind'), 'x');
    writeFileSync(join(dataDir, 'nested', 'file'), 'x');
    chmodSync(dataDir, 0o777);
    chmodSync(join(dataDir, 'nested'), 0o755);
    chmodSync(join(dataDir, 'left-behind'), 0o666);
    chmodSync(join(dataDir, 'nested', 'file'), 0o644);

    const served = await serve(dataDir);
    const warnings = served.lines.filter((line) => 'warn' in line);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].warn).toContain(dataDir);
    expect(warnings[0].details).toEqual({ dataDir, entries: 4 });
    expect(notPrivate(dataDir)).toEqual([]);
    expect(await stop(served)).toBe(0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}, 120_000);
