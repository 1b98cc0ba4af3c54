import { parseArgs } from 'node:util';
import { isValidCredentialName } from '../auth/credentialInput';
import { DATABASE_USAGE, describeDatabase, runCommand, withCredentialStore } from './credentialDatabase';

/**
 * `npm run key:revoke -- --name NAME`: deletes a credential. Every server on the database refuses it
 * from its next request on (each cached verification re-reads the credential). Exit codes: 0 revoked,
 * 1 no such credential or a database failure, 2 bad arguments.
 */
const USAGE = `Usage: npm run key:revoke -- --name NAME

Revokes (deletes) an application password of the REST API. Every server using this database
answers 401 to it from its next request on. npm run key:list shows the names.

  --name NAME     the credential's name (case-insensitive)
  --help          show this help

${DATABASE_USAGE}`;

export async function main(argv: string[]): Promise<number> {
  let values: { name?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { name: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const name = values.name;
  if (!name) return usageError('--name is required');
  if (!isValidCredentialName(name)) return usageError(`--name must be 1 to 60 characters from A-Z a-z 0-9 _ . @ -, not "${name}"`);
  return withCredentialStore(async (store, database) => {
    if (!(await store.revoke(name))) {
      process.stderr.write(`key:revoke: no credential named "${name}" in ${describeDatabase(database)}; npm run key:list shows the names.\n`);
      return 1;
    }
    process.stdout.write(`Revoked credential "${name}" in ${describeDatabase(database)}; servers refuse it from their next request.\n`);
    if ((await store.count()) === 0) {
      process.stdout.write('No credential is left: the next npm start creates "admin" and prints its password once; npm run key:create adds one now.\n');
    }
    return 0;
  });
}

function usageError(message: string): number {
  process.stderr.write(`key:revoke: ${message}\n\n${USAGE}`);
  return 2;
}

if (require.main === module) runCommand('key:revoke', main);
