import { CredentialStore, verifyPassword, type CredentialStoreOptions } from '../../src/auth';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

describe('CredentialStore', () => {
  let t: TestRuntime;
  let hashChecks: number;
  /** A store whose slow hash check is counted, so cache behaviour is asserted without timing. */
  const store = (options: CredentialStoreOptions = {}) =>
    new CredentialStore(t.rt.dataSource, t.schema, {
      verifyHash: (password, encoded) => {
        hashChecks += 1;
        return verifyPassword(password, encoded);
      },
      ...options,
    });

  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    hashChecks = 0;
    await t.sql('TRUNCATE {schema}.fc_api_credentials RESTART IDENTITY');
  });

  test('create, then verify with the printed password', async () => {
    const credentials = store();
    const created = await credentials.create({ name: 'zapier', capabilities: ['fcrm_read_contacts'], userId: 7 });
    expect(created).toEqual({ name: 'zapier', password: expect.stringMatching(/^[A-Za-z0-9]{24}$/), capabilities: ['fcrm_read_contacts'], userId: 7 });
    expect(await credentials.verify('zapier', created.password)).toEqual({ name: 'zapier', capabilities: ['fcrm_read_contacts'], userId: 7 });
  });

  test('manage brings read with it; userId defaults to null', async () => {
    const created = await store().create({ name: 'writer', capabilities: ['fcrm_manage_contacts'] });
    expect(created).toMatchObject({ capabilities: ['fcrm_read_contacts', 'fcrm_manage_contacts'], userId: null });
    expect(await store().verify('writer', created.password)).toEqual({
      name: 'writer',
      capabilities: ['fcrm_read_contacts', 'fcrm_manage_contacts'],
      userId: null,
    });
  });

  test('a wrong password, an unknown name or a malformed name → null (each after one hash check)', async () => {
    const credentials = store();
    const { password } = await credentials.create({ name: 'app', capabilities: ['fcrm_read_contacts'] });
    expect(await credentials.verify('app', `${password.slice(0, -1)}x`)).toBeNull();
    expect(await credentials.verify('app', '')).toBeNull();
    expect(await credentials.verify('nobody', password)).toBeNull();
    expect(await credentials.verify('bad name', password)).toBeNull();
    // The unknown and the malformed name cost a hash check too: timing does not reveal which names exist.
    expect(hashChecks).toBe(4);
  });

  test('the name matches case-insensitively; the principal carries the stored name', async () => {
    const { password } = await store().create({ name: 'Mailer', capabilities: ['fcrm_read_contacts'] });
    expect(await store().verify('mailer', password)).toMatchObject({ name: 'Mailer' });
  });

  test('spaces in the given password are ignored (WordPress shows groups of four)', async () => {
    const { password } = await store().create({ name: 'app', capabilities: ['fcrm_read_contacts'] });
    const grouped = password.match(/.{4}/g)!.join(' ');
    expect(await store().verify('app', grouped)).toMatchObject({ name: 'app' });
  });

  test('a duplicate name, in any case, is credential_exists and changes nothing', async () => {
    const credentials = store();
    const first = await credentials.create({ name: 'app', capabilities: ['fcrm_read_contacts'] });
    await expect(credentials.create({ name: 'APP', capabilities: ['fcrm_manage_contacts'] })).rejects.toMatchObject({
      code: 'credential_exists',
      message: expect.stringContaining('A credential named "APP" already exists'),
    });
    expect(await credentials.count()).toBe(1);
    expect(await credentials.verify('app', first.password)).toMatchObject({ capabilities: ['fcrm_read_contacts'] });
  });

  test.each([
    ['an empty name', { name: '', capabilities: ['fcrm_read_contacts'] }],
    ['a name of 61 characters', { name: 'a'.repeat(61), capabilities: ['fcrm_read_contacts'] }],
    ['a name with a colon', { name: 'a:b', capabilities: ['fcrm_read_contacts'] }],
    ['a name with a space', { name: 'my app', capabilities: ['fcrm_read_contacts'] }],
    ['a name that is not text', { name: 42, capabilities: ['fcrm_read_contacts'] }],
    ['no capabilities', { name: 'app', capabilities: [] }],
    ['an unknown capability', { name: 'app', capabilities: ['manage_options'] }],
    ['userId 0', { name: 'app', capabilities: ['fcrm_read_contacts'], userId: 0 }],
    ['a fractional userId', { name: 'app', capabilities: ['fcrm_read_contacts'], userId: 1.5 }],
    ['a userId given as text', { name: 'app', capabilities: ['fcrm_read_contacts'], userId: '3' }],
  ])('%s → invalid_data, nothing stored', async (_case, input) => {
    await expect(store().create(input as never)).rejects.toMatchObject({ code: 'invalid_data' });
    expect(await store().count()).toBe(0);
  });

  test('names of 1 and 60 characters from the whole alphabet are accepted', async () => {
    await store().create({ name: 'x', capabilities: ['fcrm_read_contacts'] });
    await store().create({ name: `Az09_.@-${'n'.repeat(52)}`, capabilities: ['fcrm_read_contacts'] });
    expect(await store().count()).toBe(2);
  });

  test('the table holds scrypt hashes, never the password', async () => {
    const created = await store().create({ name: 'app', capabilities: ['fcrm_read_contacts'] });
    const rows = await t.sql<Record<string, unknown>>('SELECT * FROM {schema}.fc_api_credentials');
    expect(rows).toHaveLength(1);
    expect(rows[0].password_hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(JSON.stringify(rows)).not.toContain(created.password);
  });

  test('list shows names, capabilities and users, never hashes', async () => {
    const credentials = store();
    await credentials.create({ name: 'reader', capabilities: ['fcrm_read_contacts'], userId: 3 });
    await credentials.create({ name: 'writer', capabilities: ['fcrm_manage_contacts'] });
    const listed = await credentials.list();
    expect(listed).toEqual([
      { name: 'reader', capabilities: ['fcrm_read_contacts'], userId: 3, created_at: expect.any(Date), last_used_at: null },
      { name: 'writer', capabilities: ['fcrm_read_contacts', 'fcrm_manage_contacts'], userId: null, created_at: expect.any(Date), last_used_at: null },
    ]);
    expect(JSON.stringify(listed)).not.toContain('scrypt');
  });

  test('a repeated verification is served from the cache: one slow hash check', async () => {
    const credentials = store();
    const { password } = await credentials.create({ name: 'app', capabilities: ['fcrm_read_contacts'] });
    for (let i = 0; i < 5; i += 1) expect(await credentials.verify('app', password)).toMatchObject({ name: 'app' });
    expect(hashChecks).toBe(1);
    // Spaced and case-changed forms of the same credentials share the entry.
    expect(await credentials.verify('APP', password.match(/.{4}/g)!.join(' '))).toMatchObject({ name: 'app' });
    expect(hashChecks).toBe(1);
  });

  test('concurrent verifications of the same credentials share one slow hash check', async () => {
    const credentials = store();
    const { password } = await credentials.create({ name: 'app', capabilities: ['fcrm_read_contacts'] });
    const results = await Promise.all(Array.from({ length: 20 }, () => credentials.verify('app', password)));
    expect(results.every((p) => p?.name === 'app')).toBe(true);
    expect(hashChecks).toBe(1);
  });

  test('failures are not cached; a wrong password never hits a cached right one', async () => {
    const credentials = store();
    const { password } = await credentials.create({ name: 'app', capabilities: ['fcrm_read_contacts'] });
    await credentials.verify('app', password);
    expect(await credentials.verify('app', 'wrong')).toBeNull();
    expect(await credentials.verify('app', 'wrong')).toBeNull();
    expect(hashChecks).toBe(3);
  });

  test('the cache expires after its TTL; 0 turns it off', async () => {
    const expiring = store({ cacheTtlMs: 30 });
    const { password } = await expiring.create({ name: 'app', capabilities: ['fcrm_read_contacts'] });
    await expiring.verify('app', password);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await expiring.verify('app', password);
    expect(hashChecks).toBe(2);

    const uncached = store({ cacheTtlMs: 0 });
    await uncached.verify('app', password);
    await uncached.verify('app', password);
    expect(hashChecks).toBe(4);
  });

  test('a returned principal is a copy: changing it does not change the cached one', async () => {
    const credentials = store();
    const { password } = await credentials.create({ name: 'app', capabilities: ['fcrm_read_contacts'] });
    const principal = (await credentials.verify('app', password))!;
    principal.capabilities.push('fcrm_manage_contacts');
    expect(await credentials.verify('app', password)).toMatchObject({ capabilities: ['fcrm_read_contacts'] });
  });

  test('revoke makes verify fail even while the credentials are cached', async () => {
    const credentials = store();
    const { password } = await credentials.create({ name: 'app', capabilities: ['fcrm_read_contacts'] });
    expect(await credentials.verify('app', password)).not.toBeNull();
    expect(await credentials.revoke('APP')).toBe(true);
    expect(await credentials.verify('app', password)).toBeNull();
    expect(await credentials.revoke('app')).toBe(false);
    expect(await credentials.count()).toBe(0);
  });

  test('a verification that finishes after a revoke does not refill the cache', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reachedHashCheck!: () => void;
    const atHashCheck = new Promise<void>((resolve) => (reachedHashCheck = resolve));
    const credentials = store({
      verifyHash: async (password, encoded) => {
        hashChecks += 1;
        reachedHashCheck();
        await gate;
        return verifyPassword(password, encoded);
      },
    });
    const { password } = await credentials.create({ name: 'app', capabilities: ['fcrm_read_contacts'] });
    const racing = credentials.verify('app', password);
    await atHashCheck; // it has read the row and waits in the hash check
    await credentials.revoke('app');
    release();
    await racing; // started before the revoke: may still succeed…
    expect(await credentials.verify('app', password)).toBeNull(); // …but was not cached
    expect(hashChecks).toBe(2);
  });

  test('a successful verification records last_used_at, at most once a minute', async () => {
    const credentials = store();
    const { password } = await credentials.create({ name: 'app', capabilities: ['fcrm_read_contacts'] });
    await credentials.verify('app', password);
    await credentials.idle();
    const [first] = await t.sql<{ last_used_at: Date }>('SELECT last_used_at FROM {schema}.fc_api_credentials');
    expect(first.last_used_at).toBeInstanceOf(Date);
    await credentials.verify('app', password);
    await credentials.idle();
    const [second] = await t.sql<{ last_used_at: Date }>('SELECT last_used_at FROM {schema}.fc_api_credentials');
    expect(second.last_used_at).toEqual(first.last_used_at);
  });

  test('ensureAdministrator creates admin once, even when two callers race', async () => {
    const [a, b] = await Promise.all([store().ensureAdministrator(), store().ensureAdministrator()]);
    const created = [a, b].filter((x) => x !== null);
    expect(created).toEqual([{ name: 'admin', password: expect.stringMatching(/^[A-Za-z0-9]{24}$/) }]);
    expect(await store().count()).toBe(1);
    expect(await store().verify('admin', created[0]!.password)).toEqual({
      name: 'admin',
      capabilities: ['fcrm_read_contacts', 'fcrm_manage_contacts'],
      userId: null,
    });
    expect(await store().ensureAdministrator()).toBeNull();
    expect(await store().count()).toBe(1);
  });

  test('ensureAdministrator does nothing when any credential exists', async () => {
    await store().create({ name: 'reader', capabilities: ['fcrm_read_contacts'] });
    expect(await store().ensureAdministrator()).toBeNull();
    expect((await store().list()).map((c) => c.name)).toEqual(['reader']);
  });
});
