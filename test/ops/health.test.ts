import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { silentLogger } from '../../src';
import { CredentialStore } from '../../src/auth/credentialStore';
import { buildServer } from '../../src/rest/buildServer';
import { createServerLogger } from '../../src/server/serverLogger';
import { startServer } from '../../src/server/startServer';
import { dropSchema, openTestRuntime, testDatabaseUrl, uniqueSchemaName } from '../helpers/testRuntime';

/** Listens on a free loopback port; `get(path)` answers status and parsed JSON (inject cannot load under Jest here). */
async function listening(app: FastifyInstance): Promise<(path: string) => Promise<{ status: number; body: unknown }>> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return async (path) => {
    const response = await fetch(`${origin}${path}`);
    const text = await response.text();
    return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };
}

describe('GET /livez and /readyz', () => {
  test('answer 200 without a credential, outside /wp-json, and are not logged at info level', async () => {
    const t = await openTestRuntime();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const credentials = new CredentialStore(t.rt.dataSource, t.schema);
    const app = await buildServer({ runtime: t.rt, credentials, loggerInstance: createServerLogger('info', sink) });
    try {
      const get = await listening(app);
      expect(await get('/livez')).toEqual({ status: 200, body: { status: 'alive' } });
      expect(await get('/readyz')).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok', migrations: 'ok', shutdown: 'ok' } } });
      // A route that is logged at info, for contrast: the log works, the probes are absent from it.
      await get('/wp-json/fluent-crm/v2/no-such-route');
      const log = lines.join('');
      expect(log).toContain('no-such-route');
      expect(log).not.toContain('/livez');
      expect(log).not.toContain('/readyz');
    } finally {
      await app.close();
      await credentials.idle();
      await t.close();
    }
  });

  test('a pending migration (one recorded migration missing) answers 503 naming the migrations check', async () => {
    const t = await openTestRuntime({ readiness: { reuseMs: 0 } });
    const credentials = new CredentialStore(t.rt.dataSource, t.schema);
    const app = await buildServer({ runtime: t.rt, credentials });
    try {
      await t.sql(`DELETE FROM {schema}."migrations" WHERE name = 'AddOutboxTraceContext1765280000000'`);
      const get = await listening(app);
      expect(await get('/readyz')).toEqual({
        status: 503,
        body: { status: 'unavailable', failing: 'migrations', checks: { database: 'ok', migrations: 'pending', shutdown: 'ok' } },
      });
    } finally {
      await app.close();
      await credentials.idle();
      await t.close();
    }
  });

  test('from the moment a shutdown starts /readyz answers 503 naming shutdown, while the server still serves', async () => {
    const schema = uniqueSchemaName();
    // The delay keeps the server serving after stop() began, as a load balancer needs to notice.
    const server = await startServer({
      port: 0,
      logLevel: 'silent',
      databaseUrl: testDatabaseUrl(),
      schema,
      logger: silentLogger,
      limits: { shutdownDelayMs: 5_000 },
    });
    const origin = server.url.replace('/wp-json/fluent-crm/v2', '');
    try {
      expect((await fetch(`${origin}/readyz`)).status).toBe(200);
      const stopping = server.close();
      const ready = await fetch(`${origin}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable', failing: 'shutdown', checks: { database: 'unknown', migrations: 'unknown', shutdown: 'shutting_down' } });
      expect((await fetch(`${origin}/livez`)).status).toBe(200);
      await stopping;
    } finally {
      await server.close();
      await dropSchema(schema);
    }
  });

  test('closing the runtime turns readiness to shutdown at once', async () => {
    const t = await openTestRuntime();
    const closing = t.rt.close();
    expect(await t.rt.operations.readiness.report()).toMatchObject({ ready: false, failing: 'shutdown' });
    await closing;
    await t.close();
  });
});
