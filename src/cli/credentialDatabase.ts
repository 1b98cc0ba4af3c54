import type { CredentialStore } from '../auth/credentialStore';
import type { OpenDatabase } from '../db/openDatabase';

/** The database part of the key commands' usage: the same variables as the server's. */
export const DATABASE_USAGE = `Database (the same as the server's):
  DATABASE_URL    PostgreSQL URL; without it, the embedded database in FCRM_DATA_DIR (default ./.fcrm-data)
  FCRM_SCHEMA     PostgreSQL schema of the tables (default public)
`;

/**
 * Opens the server's database (DATABASE_URL, else the embedded one in FCRM_DATA_DIR; schema
 * FCRM_SCHEMA), runs `work` with its credential store, and closes it again whatever happens.
 */
export async function withCredentialStore<T>(work: (store: CredentialStore, database: OpenDatabase) => Promise<T>): Promise<T> {
  // Loaded only now, so a usage error answers at once instead of after loading TypeORM.
  const [{ openDatabase }, { CredentialStore }] = await Promise.all([import('../db/openDatabase'), import('../auth/credentialStore')]);
  const schema = process.env.FCRM_SCHEMA?.trim() || undefined;
  const database = await openDatabase({ schema, poolSize: 2 });
  try {
    const store = new CredentialStore(database.dataSource, database.schema);
    const result = await work(store, database);
    await store.idle();
    return result;
  } finally {
    await database.close();
  }
}

/** Where the command worked, for its messages: "the embedded database" or the URL without password. */
export function describeDatabase(database: OpenDatabase): string {
  return `${database.kind === 'embedded' ? 'the embedded database' : database.url}, schema ${database.schema}`;
}

/** Runs a command's main as a process: its exit code, or 1 with the error's message on stderr. */
export function runCommand(command: string, main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // pg's connection failures can be AggregateErrors with an empty message; the code still says why.
      const detail = error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error);
      process.stderr.write(`${command}: ${detail}\n`);
      process.exitCode = 1;
    },
  );
}
