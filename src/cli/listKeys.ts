import type { CredentialSummary } from '../auth/credentialStore';
import { readCommandArgs } from './commandArgs';
import { DATABASE_USAGE, describeDatabase, runCommand, withCredentialStore } from './credentialDatabase';

/**
 * `npm run key:list [-- --json]`: the REST API's credentials: name, capabilities, WordPress user,
 * created and last used. Never a password or its hash. Exit codes: 0 listed, 1 failed (database),
 * 2 bad arguments.
 */
const USAGE = `Usage: npm run key:list [-- --json]

Lists the application passwords of the REST API: name, capabilities, the WordPress user each acts
as, when it was created and when it was last used (updated at most once a minute). Passwords and
their hashes are never shown.

  --json          one JSON array instead of a table
  --help          show this help

${DATABASE_USAGE}`;

export async function main(argv: string[]): Promise<number> {
  const args = readCommandArgs<{ json?: boolean; help?: boolean }>('key:list', USAGE, argv, { json: { type: 'boolean' } });
  if ('exit' in args) return args.exit;
  const { values } = args;
  return withCredentialStore(async (store, database) => {
    const credentials = await store.list();
    if (values.json) {
      process.stdout.write(`${JSON.stringify(credentials.map(asJson), null, 2)}\n`);
      return 0;
    }
    if (credentials.length === 0) {
      process.stdout.write(`No credentials in ${describeDatabase(database)}. npm start creates "admin" on its next start; npm run key:create adds one.\n`);
      return 0;
    }
    process.stdout.write(`${credentials.length} credential(s) in ${describeDatabase(database)}:\n\n${table(credentials)}`);
    return 0;
  });
}

function asJson(credential: CredentialSummary): Record<string, unknown> {
  return {
    name: credential.name,
    capabilities: credential.capabilities,
    user_id: credential.userId,
    created_at: credential.created_at.toISOString(),
    last_used_at: credential.last_used_at?.toISOString() ?? null,
  };
}

const COLUMNS = ['NAME', 'CAPABILITIES', 'USER', 'CREATED', 'LAST USED'] as const;

function table(credentials: CredentialSummary[]): string {
  const rows = credentials.map((credential) => [
    credential.name,
    credential.capabilities.join(',') || '(none)',
    credential.userId === null ? '-' : String(credential.userId),
    isoSeconds(credential.created_at),
    credential.last_used_at ? isoSeconds(credential.last_used_at) : 'never',
  ]);
  const widths = COLUMNS.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) => `${cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()}\n`;
  return line(COLUMNS) + rows.map(line).join('');
}

function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

if (require.main === module) runCommand('key:list', main);
