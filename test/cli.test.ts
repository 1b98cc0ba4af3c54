import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { CredentialStore } from '../src/auth';
import { openDatabase } from '../src/db/openDatabase';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from './helpers/testRuntime';

const ROOT = join(__dirname, '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI as a user runs it, in its own process, on a schema of this test file. */
function createKey(args: string[], schema: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/cli/createKey.ts', ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: testDatabaseUrl(), FCRM_SCHEMA: schema }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('npm run key:create', () => {
  const schema = uniqueSchemaName();
  afterAll(() => dropSchema(schema));

  test('creates a credential and prints NAME:PASSWORD last; the store accepts it', async () => {
    const run = await createKey(['--name', 'zapier', '--caps', 'manage', '--user-id', '5'], schema);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toContain('"zapier"');
    expect(lines[0]).toContain('fcrm_manage_contacts');
    const last = lines[lines.length - 1];
    expect(last).toMatch(/^zapier:[A-Za-z0-9]{24}$/);

    const database = await openDatabase({ databaseUrl: testDatabaseUrl(), schema, poolSize: 2 });
    try {
      const store = new CredentialStore(database.dataSource, schema);
      expect(await store.verify('zapier', last.slice('zapier:'.length))).toEqual({
        name: 'zapier',
        capabilities: ['fcrm_read_contacts', 'fcrm_manage_contacts'],
        userId: 5,
      });
      await store.idle();
    } finally {
      await database.close();
    }
  });

  test('a name already taken (in any case) exits 1 with a message', async () => {
    const run = await createKey(['--name', 'ZAPIER', '--caps', 'read'], schema);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('A credential named "ZAPIER" already exists');
    expect(run.stdout).toBe('');
  });

  test.each([
    ['bad --caps', ['--name', 'x', '--caps', 'admin'], '--caps must be "read" or "manage", not "admin"'],
    ['no --caps', ['--name', 'x'], '--caps must be "read" or "manage"'],
    ['no --name', ['--caps', 'read'], '--name is required'],
    ['a bad --name', ['--name', 'a:b', '--caps', 'read'], '--name must be'],
    ['a bad --user-id', ['--name', 'x', '--caps', 'read', '--user-id', '-3'], '--user-id'],
    ['an unknown option', ['--name', 'x', '--caps', 'read', '--admin'], "Unknown option '--admin'"],
  ])('%s exits 2 with a message and usage on stderr', async (_case, args, message) => {
    const run = await createKey(args, schema);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: npm run key:create');
    expect(run.stdout).toBe('');
  });

  test('--help prints the usage, including FCRM_SCHEMA, and exits 0', async () => {
    const run = await createKey(['--help'], schema);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--caps');
    expect(run.stdout).toContain('FCRM_SCHEMA');
  });
});
