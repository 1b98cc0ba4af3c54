import { isValidCredentialName } from '../auth/credentialInput';
import { readCommandArgs, usageError } from './commandArgs';
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
  const args = readCommandArgs<{ name?: string; help?: boolean }>('key:revoke', USAGE, argv, { name: { type: 'string' } });
  if ('exit' in args) return args.exit;
  const { values } = args;
  const name = values.name;
  if (!name) return usageError('key:revoke', USAGE, '--name is required');
  if (!isValidCredentialName(name)) return usageError('key:revoke', USAGE, `--name must be 1 to 60 characters from A-Z a-z 0-9 _ . @ -, not "${name}"`);
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


if (require.main === module) runCommand('key:revoke', main);
