import type { FastifyInstance } from 'fastify';
import { CredentialStore, capabilitiesFor, verifyPassword } from '../../src/auth';
import { openDatabase, type OpenDatabase } from '../../src/db/openDatabase';
import { buildServer } from '../../src/rest/buildServer';
import { REST_PREFIX } from '../../src/rest/publicUrl';
import { openTestRuntime, testDatabaseUrl, type TestRuntime } from '../helpers/testRuntime';
import { basicAuth } from '../helpers/testServer';

/**
 * Two "processes" on one schema: the server's CredentialStore (with its verification cache) and
 * another CredentialStore on a DataSource of its own, as `key:revoke` or a second server has.
 */
describe('a revocation or change made by another process applies to the next request', () => {
  let t: TestRuntime;
  let app: FastifyInstance;
  let base: string;
  let served: CredentialStore;
  let other: OpenDatabase;
  let elsewhere: CredentialStore;
  let hashChecks = 0;

  beforeAll(async () => {
    t = await openTestRuntime();
    served = new CredentialStore(t.rt.dataSource, t.schema, {
      verifyHash: (password, encoded) => {
        hashChecks += 1;
        return verifyPassword(password, encoded);
      },
    });
    app = await buildServer({ runtime: t.rt, credentials: served });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${REST_PREFIX}`;
    other = await openDatabase({ databaseUrl: testDatabaseUrl(), schema: t.schema, poolSize: 2 });
    elsewhere = new CredentialStore(other.dataSource, t.schema);
  });
  afterAll(async () => {
    await app.close();
    await served.idle();
    await elsewhere.idle();
    await other.close();
    await t.close();
  });

  const get = (authorization: string) => fetch(`${base}/subscribers`, { headers: { authorization } }).then((r) => r.status);
  const track = (authorization: string) =>
    fetch(`${base}/subscribers/track-event`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ event_key: 'k', title: 'T', subscriber_id: 999_999 }),
    }).then((r) => r.status);

  test('the cache still saves the hash: repeated requests check the password once', async () => {
    const created = await elsewhere.create({ name: 'steady', capabilities: capabilitiesFor('read') });
    const before = hashChecks;
    for (let i = 0; i < 5; i += 1) expect(await get(basicAuth('steady', created.password))).toBe(200);
    expect(hashChecks - before).toBe(1);
  });

  test('revoked in the other process → 401 on the next request here', async () => {
    const created = await elsewhere.create({ name: 'zapier', capabilities: capabilitiesFor('manage') });
    const auth = basicAuth('zapier', created.password);
    expect(await get(auth)).toBe(200);
    expect(await get(auth)).toBe(200); // now from the cache
    expect(await elsewhere.revoke('zapier')).toBe(true);
    expect(await get(auth)).toBe(401);
  });

  test('capabilities downgraded in the database → 403 on the next write here; the read still works', async () => {
    const created = await elsewhere.create({ name: 'writer', capabilities: capabilitiesFor('manage') });
    const auth = basicAuth('writer', created.password);
    expect(await track(auth)).toBe(422); // allowed (the contact does not exist)
    await other.dataSource.query(`UPDATE "${t.schema}".fc_api_credentials SET capabilities = $1 WHERE name = 'writer'`, [capabilitiesFor('read')]);
    expect(await track(auth)).toBe(403);
    expect(await get(auth)).toBe(200);
  });

  test('a credential whose stored hash changed (password reset) no longer accepts the old password', async () => {
    const created = await elsewhere.create({ name: 'reset', capabilities: capabilitiesFor('read') });
    const replacement = await elsewhere.create({ name: 'donor', capabilities: capabilitiesFor('read') });
    const auth = basicAuth('reset', created.password);
    expect(await get(auth)).toBe(200);
    await other.dataSource.query(
      `UPDATE "${t.schema}".fc_api_credentials SET password_hash = (SELECT password_hash FROM "${t.schema}".fc_api_credentials WHERE name = 'donor') WHERE name = 'reset'`,
    );
    expect(await get(auth)).toBe(401);
    expect(await get(basicAuth('reset', replacement.password))).toBe(200);
  });
});
