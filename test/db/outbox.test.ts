import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createEventTracking, createHookRegistry, HOOKS, silentLogger, type EventTrackingRuntime } from '../../src';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from '../helpers/testRuntime';

const ROOT = join(__dirname, '..', '..');

/** Runs the fixture that commits `count` events with done actions and is SIGKILLed before dispatching them. */
function commitThenDie(schema: string, count: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'test', 'fixtures', 'killAfterCommit.ts'), testDatabaseUrl(), schema, String(count)],
      { cwd: ROOT, stdio: 'inherit' },
    );
    child.on('exit', (_code, signal) => resolve(signal));
  });
}

type Delivered = { id: string; attempt: number; title: string; process: string };

/** A runtime whose done listener is registered before its poller's first pass. */
async function deliveringRuntime(schema: string, name: string, delivered: Delivered[]): Promise<EventTrackingRuntime> {
  const hooks = createHookRegistry();
  hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/outbox', (event, _subscriber, delivery) => {
    // null only when a host fires the done action itself; the runtime always passes its delivery.
    if (delivery === null) throw new Error('the runtime fired a done action without a delivery');
    delivered.push({ id: delivery.id, attempt: delivery.attempt, title: event.title, process: name });
  });
  return createEventTracking({
    databaseUrl: testDatabaseUrl(),
    schema,
    hooks,
    logger: silentLogger,
    poolSize: 3,
    outbox: { leaseMs: 300, pollIntervalMs: 50 },
  });
}

async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('at-least-once delivery of the done action (outbox)', () => {
  test('a process killed after commit and before dispatch: the next process delivers the done action exactly once', async () => {
    const schema = uniqueSchemaName();
    try {
      expect(await commitThenDie(schema, 1)).toBe('SIGKILL');
      const delivered: Delivered[] = [];
      const rt = await deliveringRuntime(schema, 'restarted', delivered);
      try {
        const pending = async () =>
          Number((await rt.dataSource.query(`SELECT count(*) AS n FROM "${schema}".fc_event_outbox WHERE delivered_at IS NULL`))[0].n);
        await waitUntil(async () => (await pending()) === 0);
        await rt.drain();
        await new Promise((resolve) => setTimeout(resolve, 300)); // a few more poller passes: nothing more arrives
        expect(delivered).toEqual([{ id: expect.any(String), attempt: 2, title: 'Order 0', process: 'restarted' }]);
        const [row] = await rt.dataSource.query(`SELECT counter FROM "${schema}".fc_event_tracking`);
        expect(row.counter).toBe(1);
      } finally {
        await rt.close();
      }
    } finally {
      await dropSchema(schema);
    }
  }, 60_000);

  test('two processes on one database deliver 200 orphaned done actions between them, none twice', async () => {
    const schema = uniqueSchemaName();
    try {
      expect(await commitThenDie(schema, 200)).toBe('SIGKILL');
      const delivered: Delivered[] = [];
      const [a, b] = await Promise.all([deliveringRuntime(schema, 'a', delivered), deliveringRuntime(schema, 'b', delivered)]);
      try {
        await waitUntil(() => delivered.length >= 200);
        await new Promise((resolve) => setTimeout(resolve, 500));
        await Promise.all([a.drain(), b.drain()]);
        expect(delivered).toHaveLength(200);
        expect(new Set(delivered.map((d) => d.id)).size).toBe(200);
        expect(new Set(delivered.map((d) => d.title)).size).toBe(200);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    } finally {
      await dropSchema(schema);
    }
  }, 60_000);

  test("the writer's own dispatch marks the row delivered, so no poller delivers it again", async () => {
    const schema = uniqueSchemaName();
    const delivered: Delivered[] = [];
    const rt = await deliveringRuntime(schema, 'writer', delivered);
    try {
      const contact = await rt.api('contacts').createOrUpdate({ email: 'writer@example.com' });
      await rt.api('event_tracker').track({ event_key: 'k', title: 'Live', subscriber_id: contact.id }, true);
      await new Promise((resolve) => setTimeout(resolve, 800)); // longer than the lease, several poller passes
      await rt.drain();
      expect(delivered).toEqual([{ id: expect.any(String), attempt: 1, title: 'Live', process: 'writer' }]);
    } finally {
      await rt.close();
      await dropSchema(schema);
    }
  }, 30_000);

  test('a tool process (outbox.deliver false) records done actions for a serving process and never takes them', async () => {
    const schema = uniqueSchemaName();
    const toolHeard: unknown[] = [];
    const toolHooks = createHookRegistry();
    toolHooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/tool', (event: unknown) => {
      toolHeard.push(event);
    });
    const tool = await createEventTracking({
      databaseUrl: testDatabaseUrl(),
      schema,
      hooks: toolHooks,
      logger: silentLogger,
      outbox: { deliver: false, pollIntervalMs: 50 },
    });
    try {
      const contact = await tool.api('contacts').createOrUpdate({ email: 'tool@example.com' });
      await tool.api('event_tracker').track({ event_key: 'imported', title: 'Imported', subscriber_id: contact.id }, true);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await tool.drain();
      expect(toolHeard).toEqual([]);
      const delivered: Delivered[] = [];
      const server = await deliveringRuntime(schema, 'server', delivered);
      try {
        await waitUntil(() => delivered.length === 1);
        expect(delivered).toEqual([{ id: expect.any(String), attempt: 1, title: 'Imported', process: 'server' }]);
      } finally {
        await server.close();
      }
    } finally {
      await tool.close();
      await dropSchema(schema);
    }
  }, 30_000);
});
