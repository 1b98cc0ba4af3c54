import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { CredentialStore, capabilitiesFor } from '../src/auth';
import { openDatabase, type OpenDatabase } from '../src/db/openDatabase';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from './helpers/testRuntime';

const ROOT = join(__dirname, '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A key command as a user runs it, in its own process, on a schema of this test file. */
function run(script: 'listKeys' | 'revokeKey', args: string[], schema: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', `src/cli/${script}.ts`, ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: testDatabaseUrl(), FCRM_SCHEMA: schema }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('npm run key:list and key:revoke', () => {
  const schema = uniqueSchemaName();
  let database: OpenDatabase;
  let store: CredentialStore;
  let zapierPassword: string;
  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: testDatabaseUrl(), schema, poolSize: 2 });
    store = new CredentialStore(database.dataSource, schema);
    zapierPassword = (await store.create({ name: 'zapier', capabilities: capabilitiesFor('manage'), userId: 5 })).password;
    await store.create({ name: 'dashboard', capabilities: capabilitiesFor('read') });
    await store.verify('zapier', zapierPassword); // the server's verify: warms this store's cache, records last use
    await store.idle();
  });
  afterAll(async () => {
    await store.idle();
    await database.close();
    await dropSchema(schema);
  });

  test('key:list shows name, capabilities, user, created and last used; never a hash', async () => {
    const listed = await run('listKeys', [], schema);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`2 credential(s) in ${database.url}, schema ${schema}:`);
    expect(lines[2]).toMatch(/^NAME\s+CAPABILITIES\s+USER\s+CREATED\s+LAST USED$/);
    expect(lines[3]).toMatch(/^zapier\s+fcrm_read_contacts,fcrm_manage_contacts\s+5\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(lines[4]).toMatch(/^dashboard\s+fcrm_read_contacts\s+-\s+\S+\s+never$/);
    expect(listed.stdout).not.toMatch(/scrypt|\$/);
  });

  test('key:list --json: one array with the same fields', async () => {
    const listed = await run('listKeys', ['--json'], schema);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      { name: 'zapier', capabilities: ['fcrm_read_contacts', 'fcrm_manage_contacts'], user_id: 5, created_at: expect.any(String), last_used_at: expect.any(String) },
      { name: 'dashboard', capabilities: ['fcrm_read_contacts'], user_id: null, created_at: expect.any(String), last_used_at: null },
    ]);
    expect(listed.stdout).not.toContain('password');
  });

  test('key:revoke of an unknown name exits 1 with a message and changes nothing', async () => {
    const revoked = await run('revokeKey', ['--name', 'nobody'], schema);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('no credential named "nobody"');
    expect(revoked.stderr).toContain('key:list');
    expect(revoked.stdout).toBe('');
    expect(await store.count()).toBe(2);
  });

  test('key:revoke (any case) deletes it; a store that had it cached refuses it at once', async () => {
    expect(await store.verify('zapier', zapierPassword)).not.toBeNull();
    const revoked = await run('revokeKey', ['--name', 'ZAPIER'], schema);
    expect(revoked).toMatchObject({ code: 0, stderr: '' });
    expect(revoked.stdout).toContain('Revoked credential "ZAPIER"');
    expect(await store.verify('zapier', zapierPassword)).toBeNull();
    expect((await store.list()).map((credential) => credential.name)).toEqual(['dashboard']);
  });

  test('revoking the last credential says what happens next', async () => {
    const revoked = await run('revokeKey', ['--name', 'dashboard'], schema);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('No credential is left');
    const listed = await run('listKeys', [], schema);
    expect(listed).toMatchObject({ code: 0 });
    expect(listed.stdout).toContain('No credentials in');
  });

  test.each([
    ['key:revoke without --name', 'revokeKey', [], '--name is required'],
    ['key:revoke with a bad --name', 'revokeKey', ['--name', 'a:b'], '--name must be'],
    ['key:revoke with an unknown option', 'revokeKey', ['--name', 'x', '--force'], "Unknown option '--force'"],
    ['key:list with an unknown option', 'listKeys', ['--all'], "Unknown option '--all'"],
  ] as const)('%s exits 2 with a message and usage on stderr', async (_case, script, args, message) => {
    const result = await run(script, [...args], schema);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(`Usage: npm run key:${script === 'listKeys' ? 'list' : 'revoke'}`);
    expect(result.stdout).toBe('');
  });

  test('--help prints the usage with the database variables and exits 0', async () => {
    for (const script of ['listKeys', 'revokeKey'] as const) {
      const result = await run(script, ['--help'], schema);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('FCRM_SCHEMA');
    }
  });
});
