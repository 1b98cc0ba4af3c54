import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
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

async function createContact(server: Server, email: string): Promise<void> {
  const response = await fetch(`${server.base}/subscribers`, {
    method: 'POST',
    headers: { authorization: server.authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  expect(response.status).toBe(200);
}

describe('process faults under load', () => {
  test('SIGTERM during load: in-flight requests finish, exit 0, and every acknowledged event is stored exactly', async () => {
    const schema = uniqueSchemaName();
    try {
      const server = await startServer(schema);
      await createContact(server, 'term@example.com');
      const running = load(server, 'term@example.com', 16);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      server.child.kill('SIGTERM');
      const [{ acknowledged }, exit] = await Promise.all([running, server.exited]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(acknowledged).toBeGreaterThan(0);
      expect(await storedCount(schema)).toBe(acknowledged);
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
