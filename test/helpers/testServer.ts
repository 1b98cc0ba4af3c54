import type { FastifyInstance } from 'fastify';
import { CredentialStore, type CredentialStoreOptions } from '../../src/auth/credentialStore';
import { capabilitiesFor } from '../../src/auth/capabilities';
import type { EventTrackingOptions } from '../../src';
import { buildServer, type BuildServerOptions } from '../../src/rest/buildServer';
import { REST_PREFIX } from '../../src/rest/publicUrl';
import { openTestRuntime, type TestRuntime } from './testRuntime';

export interface TestServer extends TestRuntime {
  app: FastifyInstance;
  /** http://127.0.0.1:PORT/wp-json/fluent-crm/v2 */
  base: string;
  credentials: CredentialStore;
  /** Basic auth header values. */
  auth: { manage: string; read: string; actingAs42: string };
  /** fetch relative to `base` with a credential (default: manage); returns status and parsed JSON. */
  call(path: string, init?: RequestInit & { as?: keyof TestServer['auth'] | null }): Promise<{ status: number; body: any; headers: Headers }>;
}

export function basicAuth(name: string, password: string): string {
  return `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
}

export interface TestServerOptions extends Partial<Omit<BuildServerOptions, 'runtime' | 'credentials'>> {
  /** e.g. a `verifyHash` that counts or holds the hashes. */
  credentialOptions?: CredentialStoreOptions;
  /** Runs before listening, e.g. to add a hook that observes requests. */
  prepare?: (app: FastifyInstance) => void;
}

/** The REST app on a real HTTP port (0 = any free one) over a test runtime in its own schema. */
export async function openTestServer(options: TestServerOptions = {}, runtimeOptions: EventTrackingOptions = {}): Promise<TestServer> {
  const { credentialOptions, prepare, ...serverOptions } = options;
  const t = await openTestRuntime(runtimeOptions);
  const credentials = new CredentialStore(t.rt.dataSource, t.schema, credentialOptions);
  const manage = await credentials.create({ name: 'manager', capabilities: capabilitiesFor('manage') });
  const read = await credentials.create({ name: 'reader', capabilities: capabilitiesFor('read') });
  const acting = await credentials.create({ name: 'user42', capabilities: capabilitiesFor('manage'), userId: 42 });
  const app = await buildServer({ runtime: t.rt, credentials, ...serverOptions });
  prepare?.(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const base = `http://127.0.0.1:${port}${REST_PREFIX}`;
  const auth = {
    manage: basicAuth(manage.name, manage.password),
    read: basicAuth(read.name, read.password),
    actingAs42: basicAuth(acting.name, acting.password),
  };
  return {
    ...t,
    app,
    base,
    credentials,
    auth,
    async call(path, init = {}) {
      const { as = 'manage', ...rest } = init;
      const headers = new Headers(rest.headers);
      if (as) headers.set('authorization', auth[as]);
      const response = await fetch(`${base}${path}`, { ...rest, headers });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the text: the assertion will show it
      }
      return { status: response.status, body, headers: response.headers };
    },
    async close() {
      await app.close();
      await credentials.idle();
      await t.close();
    },
  };
}

export const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
