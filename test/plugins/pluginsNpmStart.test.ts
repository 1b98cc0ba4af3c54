import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from '../helpers/testRuntime';

const ROOT = join(__dirname, '..', '..');

interface Server {
  child: ChildProcessWithoutNullStreams;
  output: { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The server's entry point (what `npm start` runs) from source, so no build is needed; FCRM_PLUGINS as given. */
function startServerProcess(schema: string, plugins: string): Server {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DATABASE_URL: testDatabaseUrl(), FCRM_SCHEMA: schema, FCRM_PLUGINS: plugins, LOG_LEVEL: 'info' };
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'server', 'main.ts')], { cwd: ROOT, env });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output, exited };
}

/** Resolves with the match once `pattern` appears in the child's stdout. */
function waitFor(server: Server, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = server.output.stdout.match(pattern);
      if (match) {
        server.child.stdout.off('data', check);
        resolve(match);
      }
    };
    server.child.stdout.on('data', check);
    void server.exited.then(({ code }) => reject(new Error(`the server exited (${code}) before printing ${pattern}:\n${server.output.stdout}\n${server.output.stderr}`)));
    check();
  });
}

function stopped(server: Server): void {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
}

describe('FCRM_PLUGINS under npm start', () => {
  test('the example plugins: the follow-up automation runs on events tracked over REST and in a batch, and done actions are logged', async () => {
    const schema = uniqueSchemaName();
    const server = startServerProcess(schema, 'examples/follow-up.js, examples/log-done-actions.js');
    try {
      const [, base] = await waitFor(server, /listening on (http:\/\/\S+)/);
      const [, credential] = await waitFor(server, /^\s+(admin:[A-Za-z0-9]{24})$/m);
      const authorization = `Basic ${Buffer.from(credential).toString('base64')}`;
      const post = async (path: string, body: unknown) => {
        const response = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        expect(response.status).toBe(200);
        return (await response.json()) as Record<string, unknown>;
      };
      const eventKeys = async (id: number) => {
        const response = await fetch(`${base}/subscribers/${id}/tracking-events?per_page=50`, { headers: { authorization } });
        const { events } = (await response.json()) as { events: { data: Array<{ event_key: string; counter: string }> } };
        return Object.fromEntries(events.data.map((event) => [event.event_key, event.counter]));
      };
      const order = (email: string) => ({ event_key: 'order_placed', title: 'Order placed', email });

      // One event at a time over REST: the third order adds loyal_customer (the handler runs before the response).
      const { contact: ann } = (await post('/subscribers', { email: 'ann@example.com' })) as { contact: { id: number } };
      await post('/subscribers/track-event', order('ann@example.com'));
      await post('/subscribers/track-event', order('ann@example.com'));
      expect(await eventKeys(ann.id)).toEqual({ order_placed: '2' });
      await post('/subscribers/track-event', order('ann@example.com'));
      expect(await eventKeys(ann.id)).toEqual({ order_placed: '3', loyal_customer: '1' });

      // Three orders in one batch.
      const { contact: bob } = (await post('/subscribers', { email: 'bob@example.com' })) as { contact: { id: number } };
      const batch = await post('/subscribers/track-events', { events: [order('bob@example.com'), order('bob@example.com'), order('bob@example.com')] });
      expect(batch).toMatchObject({ stored: 3, failed: 0 });
      expect(await eventKeys(bob.id)).toEqual({ order_placed: '3', loyal_customer: '1' });

      // log-done-actions.js logged every done action through the server's (pino) logger: 3 + 3 orders and 2 follow-ups.
      const logged = server.output.stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg?: string; eventKey?: string; subscriberId?: number })
        .filter((line) => line.msg === 'done action');
      expect(logged.filter((line) => line.eventKey === 'order_placed').map((line) => line.subscriberId)).toEqual([ann.id, ann.id, ann.id, bob.id, bob.id, bob.id]);
      expect(logged.filter((line) => line.eventKey === 'loyal_customer').map((line) => line.subscriberId)).toEqual([ann.id, bob.id]);

      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
    } finally {
      stopped(server);
      await dropSchema(schema);
    }
  }, 120_000);

  test.each([
    ['a missing module', 'examples/no-such-plugin.js', /plugin examples\/no-such-plugin\.js was not found \(looked for .*examples\/no-such-plugin\.js\)/],
    ['a module that does not export a function', 'test/fixtures/plugins/notAFunction.cjs', /plugin test\/fixtures\/plugins\/notAFunction\.cjs does not export a function .*got object/],
    ['an ES module plugin that throws', 'test/fixtures/plugins/throws.mjs', /plugin test\/fixtures\/plugins\/throws\.mjs threw: boom from the plugin/],
  ])('%s stops start-up with exit code 1 and a message naming the plugin and the cause', async (_case, plugin, message) => {
    const schema = uniqueSchemaName();
    // The first plugin loads; the bad one stops start-up, after which the runtime is closed and the process ends on its own.
    const server = startServerProcess(schema, `examples/log-done-actions.js,${plugin}`);
    try {
      // A server that starts listening instead is killed at once, so the failure shows without a timeout.
      const listened = waitFor(server, /listening on/).then(
        () => 'listened instead of failing' as const,
        () => server.exited,
      );
      expect(await Promise.race([server.exited, listened])).toEqual({ code: 1, signal: null });
      expect(server.output.stderr).toMatch(message);
    } finally {
      stopped(server);
      await dropSchema(schema);
    }
  }, 60_000);
});
