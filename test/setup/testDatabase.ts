/** The local server CI and developers have; used when it answers and DATABASE_URL is not set. */
export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export type TestDatabaseChoice = { kind: 'postgres'; url: string } | { kind: 'embedded' };

/** CI services set CI (to "true", "1", …); "false" and "0" mean not on CI. */
export function onCi(env: NodeJS.ProcessEnv): boolean {
  const value = (env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== 'false' && value !== '0';
}

/**
 * The database the whole suite uses: DATABASE_URL when set, else the local server when it answers,
 * else the embedded one. FCRM_TEST_DB=embedded asks for the embedded one. On CI, falling back to it
 * without being asked is an error: the run would skip the PostgreSQL-only tests and serialise the
 * concurrency tests on one session, yet stay green.
 */
export async function chooseTestDatabase(env: NodeJS.ProcessEnv, localAnswers: () => Promise<boolean>): Promise<TestDatabaseChoice> {
  if (env.FCRM_TEST_DB === 'embedded') return { kind: 'embedded' };
  if (env.DATABASE_URL) return { kind: 'postgres', url: env.DATABASE_URL };
  if (await localAnswers()) return { kind: 'postgres', url: LOCAL_POSTGRES_URL };
  if (onCi(env)) {
    throw new Error(
      `CI is set and no PostgreSQL answers (DATABASE_URL is not set, ${LOCAL_POSTGRES_URL.replace('postgres://', '')} does not answer). ` +
        'Start PostgreSQL or set DATABASE_URL; set FCRM_TEST_DB=embedded to run on the embedded database on purpose.',
    );
  }
  return { kind: 'embedded' };
}
