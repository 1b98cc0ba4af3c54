import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from '../helpers/testRuntime';

const ROOT = join(__dirname, '..', '..');

interface Server {
  child: ChildProcessWithoutNullStreams;
  base: string;
  authorization: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The REST server as `npm start` runs it (from source, to skip the build), on the test database. */
async function startServer(schema: string): Promise<Server> {
  const env = { ...process.env, DATABASE_URL: testDatabaseUrl(), FCRM_SCHEMA: schema, PORT: '0', LOG_LEVEL: 'warn' };
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'server', 'main.ts')], { cwd: ROOT, env });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let output = '';
  const banner = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (/^\s+admin:[A-Za-z0-9]{24}$/m.test(output) && /listening on/.test(output)) resolve(output);
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    void exited.then(() => reject(new Error(`server exited before it was ready:\n${output}`)));
  });
  const base = banner.match(/listening on (http:\/\/\S+)/)![1];
  const credential = banner.match(/^\s+(admin:[A-Za-z0-9]{24})$/m)![1];
  return { child, base, authorization: `Basic ${Buffer.from(credential).toString('base64')}`, exited };
}

/** Tracks one event from `loops` concurrent clients until the server stops answering; counts the 200s. */
async function load(server: Server, email: string, loops: number): Promise<{ acknowledged: number; sent: number }> {
  let acknowledged = 0;
  let sent = 0;
  let stopped = false;
  const body = JSON.stringify({ event_key: 'load', title: 'Under load', email });
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (!stopped) {
        sent += 1;
        try {
          const response = await fetch(`${server.base}/subscribers/track-event`, {
            method: 'POST',
            headers: { authorization: server.authorization, 'content-type': 'application/json', connection: 'close' },
            body,
          });
          if (response.status === 200) acknowledged += 1;
          await response.arrayBuffer();
        } catch {
          stopped = true; // the server is gone: stop this client, the others follow
        }
      }
    }),
  );
  return { acknowledged, sent };
}

async function storedCount(schema: string): Promise<number> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT coalesce(sum(counter), 0)::int AS n FROM "${schema}".fc_event_tracking`);
    return rows[0].n;
  } finally {
    await client.end();
  }
}

interface HeldRequest {
  /** Sends the body; the answer follows. */
  release(): void;
  answer: Promise<{ status: number; body: string }>;
}

/**
 * A track-event request the server has received (it read the headers and answered 100 Continue)
 * whose body is held back: a request certainly in flight when the signal comes.
 */
function heldRequest(server: Server, email: string): Promise<HeldRequest> {
  const body = JSON.stringify({ event_key: 'held', title: 'Held over the signal', email });
  const url = new URL(`${server.base}/subscribers/track-event`);
  return new Promise((resolveHeld, rejectHeld) => {
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        authorization: server.authorization,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        expect: '100-continue',
        connection: 'close',
      },
    });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.once('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.once('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        response.once('error', reject);
      });
      req.once('error', reject);
    });
    answer.catch(() => undefined); // observed by the test through `answer`
    req.once('continue', () => resolveHeld({ release: () => req.end(body), answer }));
    req.once('error', rejectHeld);
    req.flushHeaders();
  });
}

/** Whether a new TCP connection to the server's port is refused now. */
function connectionRefused(server: Server): Promise<boolean> {
  const url = new URL(server.base);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

async function outboxState(schema: string): Promise<{ rows: number; undelivered: number }> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT count(*)::int AS rows, (count(*) FILTER (WHERE delivered_at IS NULL))::int AS undelivered FROM "${schema}".fc_event_outbox`,
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

async function createContact(server: Server, email: string): Promise<void> {
  const response = await fetch(`${server.base}/subscribers`, {
    method: 'POST',
    headers: { authorization: server.authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  expect(response.status).toBe(200);
}

describe('process faults under load', () => {
  test('SIGTERM during load: requests in flight are answered, new connections refused, exit 0, every acknowledged event stored and its done action delivered', async () => {
    const schema = uniqueSchemaName();
    try {
      const server = await startServer(schema);
      await createContact(server, 'term@example.com');
      const running = load(server, 'term@example.com', 16);
      // Eight requests the server has certainly received: their bodies are sent after the signal.
      const held = await Promise.all(Array.from({ length: 8 }, () => heldRequest(server, 'term@example.com')));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      server.child.kill('SIGTERM');
      // It stops accepting while the held requests are still open (bounded: 500 tries, 10 ms apart).
      let refused = false;
      for (let i = 0; i < 500 && !refused; i += 1) {
        refused = await connectionRefused(server);
        if (!refused) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const exitedEarly = server.child.exitCode !== null;
      for (const request of held) request.release();
      const answers = await Promise.all(held.map((request) => request.answer)); // a reset would reject here
      const [{ acknowledged }, exit] = await Promise.all([running, server.exited]);

      expect(refused).toBe(true);
      expect(exitedEarly).toBe(false);
      expect(answers.map((a) => a.status)).toEqual(held.map(() => 200));
      expect(exit).toEqual({ code: 0, signal: null });
      expect(acknowledged).toBeGreaterThan(0);
      expect(await storedCount(schema)).toBe(acknowledged + held.length);
      // The hook work finished before exit: every stored event's done action was delivered.
      expect(await outboxState(schema)).toEqual({ rows: acknowledged + held.length, undelivered: 0 });
    } finally {
      await dropSchema(schema);
    }
  }, 90_000);

  test('SIGKILL during load loses no acknowledged event', async () => {
    const schema = uniqueSchemaName();
    try {
      const server = await startServer(schema);
      await createContact(server, 'kill@example.com');
      const running = load(server, 'kill@example.com', 16);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      server.child.kill('SIGKILL');
      const [{ acknowledged, sent }, exit] = await Promise.all([running, server.exited]);
      expect(exit.signal).toBe('SIGKILL');
      expect(acknowledged).toBeGreaterThan(0);
      const stored = await storedCount(schema);
      // Every 200 was sent after its commit; a request killed between commit and answer is stored but unacknowledged.
      expect(stored).toBeGreaterThanOrEqual(acknowledged);
      expect(stored).toBeLessThanOrEqual(sent);
    } finally {
      await dropSchema(schema);
    }
  }, 90_000);
});
