import { createEventTracking, silentLogger, startServer, type EventTrackingRuntime, type PluginContext, type TrackedEventRecord } from '../../src';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from '../helpers/testRuntime';

describe('the exported startServer', () => {
  test('runs the REST API in this process with plugin functions, and close() closes it', async () => {
    const schema = uniqueSchemaName();
    const seen: { rt?: EventTrackingRuntime; context?: PluginContext; done: string[] } = { done: [] };
    const server = await startServer({
      databaseUrl: testDatabaseUrl(),
      schema,
      port: 0,
      logger: silentLogger,
      logLevel: 'silent',
      plugins: [
        (rt, context) => {
          seen.rt = rt;
          seen.context = context;
          rt.hooks.addAction('fluent_crm/track_event_activity_done', 'test', (event: TrackedEventRecord) => {
            seen.done.push(event.event_key);
          });
        },
      ],
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/wp-json\/fluent-crm\/v2$/);
      expect(seen.rt).toBe(server.runtime);
      expect(seen.context?.config).toMatchObject({ schema, host: '127.0.0.1', port: 0, plugins: ['(function)'] });
      // Plugins never see the database password.
      const password = decodeURIComponent(new URL(testDatabaseUrl()).password);
      if (password) {
        expect(seen.context?.config.databaseUrl).toContain(':***@');
        expect(JSON.stringify(seen.context?.config)).not.toContain(password);
      }
      expect(server.administrator).not.toBeNull();
      const authorization = `Basic ${Buffer.from(`${server.administrator!.name}:${server.administrator!.password}`).toString('base64')}`;
      const post = (path: string, body: unknown) =>
        fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post('/subscribers', { email: 'ann@example.com' })).status).toBe(200);
      expect((await post('/subscribers/track-event', { event_key: 'signup', title: 'Signed up', email: 'ann@example.com' })).status).toBe(200);
      expect(seen.done).toEqual(['signup']);
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.url}/subscribers`)).rejects.toThrow();
    await expect(server.runtime.api('event_tracker').track({ event_key: 'k', title: 'T', email: 'ann@example.com' })).rejects.toThrow();
    await server.close(); // idempotent
    await dropSchema(schema);
  }, 60_000);

  test("done actions another process left undelivered reach the plugins' listeners, however long the plugins take to load", async () => {
    const schema = uniqueSchemaName();
    // An importer-like process: done actions recorded, not dispatched.
    const importer = await createEventTracking({ databaseUrl: testDatabaseUrl(), schema, logger: silentLogger, outbox: { deliver: false } });
    await importer.api('contacts').createOrUpdate({ email: 'bob@example.com' });
    await importer.api('event_tracker').track({ event_key: 'imported', title: 'Imported', email: 'bob@example.com' }, true);
    await importer.close();

    const done: string[] = [];
    const server = await startServer({
      databaseUrl: testDatabaseUrl(),
      schema,
      port: 0,
      logger: silentLogger,
      logLevel: 'silent',
      plugins: [
        async (rt) => {
          // Asynchronous set-up (a plugin connecting somewhere) before it registers its listener.
          await new Promise((resolve) => setTimeout(resolve, 300));
          rt.hooks.addAction('fluent_crm/track_event_activity_done', 'test', (event: TrackedEventRecord) => {
            done.push(event.event_key);
          });
        },
      ],
    });
    try {
      await server.runtime.drain();
      expect(done).toEqual(['imported']);
    } finally {
      await server.close();
      await dropSchema(schema);
    }
  }, 60_000);
});
