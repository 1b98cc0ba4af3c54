import { databaseAnswers } from '../src/db/databaseAnswers';

export const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Where the run goes: a URL (given or the local server), or the embedded PGlite in memory. */
export type DatabaseChoice =
  | { kind: 'url'; url: string; label: string }
  | { kind: 'embedded'; label: string };

/** DATABASE_URL wins; else the local PostgreSQL if it answers; else the embedded database. */
export async function chooseDatabase(env: NodeJS.ProcessEnv = process.env): Promise<DatabaseChoice> {
  const fromEnv = env.DATABASE_URL?.trim();
  if (fromEnv) return { kind: 'url', url: fromEnv, label: `DATABASE_URL (${hostOf(fromEnv)})` };
  if (await databaseAnswers(LOCAL_URL, 2_000)) return { kind: 'url', url: LOCAL_URL, label: 'local PostgreSQL (127.0.0.1:5432/test)' };
  return { kind: 'embedded', label: 'embedded PGlite (in memory)' };
}

/** Only host and database go to the report: never a credential. */
function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return 'unparseable URL';
  }
}
