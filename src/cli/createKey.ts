import { parseArgs } from 'node:util';
import { capabilitiesFor, type AccessLevel } from '../auth/capabilities';
import { isValidCredentialName } from '../auth/credentialInput';
import { isFcrmError } from '../errors';

/**
 * `npm run key:create -- --name NAME --caps read|manage [--user-id N]`: creates an application
 * password for the REST API and prints it once. Exit codes: 0 created, 1 failed (name taken,
 * database), 2 bad arguments.
 */
const USAGE = `Usage: npm run key:create -- --name NAME --caps read|manage [--user-id N]

Creates an application password for the REST API (HTTP Basic auth) and prints it once;
the last line of output is NAME:PASSWORD, ready for curl -u.

  --name NAME     1 to 60 characters from A-Z a-z 0-9 _ . @ -; unique, case-insensitively
  --caps LEVEL    read   → fcrm_read_contacts
                  manage → fcrm_read_contacts, fcrm_manage_contacts
  --user-id N     the WordPress user the credential acts as (a positive integer)
  --help          show this help

Database (the same as the server's):
  DATABASE_URL    PostgreSQL URL; without it, the embedded database in FCRM_DATA_DIR (default ./.fcrm-data)
  FCRM_SCHEMA     PostgreSQL schema of the tables (default public)
`;

interface CreateKeyArgs {
  name: string;
  level: AccessLevel;
  userId: number | null;
}

class UsageError extends Error {}

function parseCreateKeyArgs(argv: string[]): CreateKeyArgs | 'help' {
  let values: { name?: string; caps?: string; 'user-id'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        name: { type: 'string' },
        caps: { type: 'string' },
        'user-id': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  if (!values.name) throw new UsageError('--name is required');
  if (!isValidCredentialName(values.name)) {
    throw new UsageError(`--name must be 1 to 60 characters from A-Z a-z 0-9 _ . @ -, not "${values.name}"`);
  }
  if (values.caps !== 'read' && values.caps !== 'manage') {
    throw new UsageError(`--caps must be "read" or "manage"${values.caps === undefined ? '' : `, not "${values.caps}"`}`);
  }
  const userIdText = values['user-id'];
  if (userIdText !== undefined && !/^[1-9]\d{0,15}$/.test(userIdText)) {
    throw new UsageError(`--user-id must be a positive integer, not "${userIdText}"`);
  }
  return { name: values.name, level: values.caps, userId: userIdText === undefined ? null : Number(userIdText) };
}

async function main(argv: string[]): Promise<number> {
  let args: CreateKeyArgs | 'help';
  try {
    args = parseCreateKeyArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`key:create: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }

  // Loaded only now, so a usage error answers at once instead of after loading TypeORM.
  const [{ openDatabase }, { CredentialStore }] = await Promise.all([import('../db/openDatabase'), import('../auth/credentialStore')]);
  // Only the schema is ours to choose; URL and data folder come from the environment, as for the server.
  const schema = process.env.FCRM_SCHEMA?.trim() || undefined;
  const database = await openDatabase({ schema });
  try {
    const store = new CredentialStore(database.dataSource, database.schema);
    const created = await store.create({ name: args.name, capabilities: capabilitiesFor(args.level), userId: args.userId });
    const actsAs = created.userId === null ? 'no WordPress user' : `WordPress user ${created.userId}`;
    process.stdout.write(
      `Created credential "${created.name}" (${created.capabilities.join(', ')}; acts as ${actsAs}) ` +
        `in ${database.kind === 'embedded' ? 'the embedded database' : database.url}, schema ${database.schema}. ` +
        `The password is shown only this once; use it as HTTP Basic credentials:\n`,
    );
    process.stdout.write(`${created.name}:${created.password}\n`);
    return 0;
  } catch (error) {
    if (!isFcrmError(error)) throw error;
    process.stderr.write(`key:create: ${error.message}\n`);
    return error.code === 'invalid_data' ? 2 : 1;
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // pg's connection failures can be AggregateErrors with an empty message; the code still says why.
      const detail = error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error);
      process.stderr.write(`key:create: ${detail}\n`);
      process.exitCode = 1;
    },
  );
}
