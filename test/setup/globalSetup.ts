import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embeddedPostgres';
import { databaseAnswers } from '../../src/db/databaseAnswers';
import { LOCAL_POSTGRES_URL } from './testDatabase';

declare global {
  // Handed from globalSetup to globalTeardown (same process).
  var __FCRM_EMBEDDED__: EmbeddedPostgres | undefined;
}

/**
 * Picks the database the whole suite uses: DATABASE_URL when set, else the local server when it
 * answers, else an embedded PGlite started here (PGlite cannot load inside a Jest test file). Test
 * files get isolated schemas in it. FCRM_TEST_DB=embedded forces the embedded database.
 */
export default async function globalSetup(): Promise<void> {
  const forced = process.env.FCRM_TEST_DB === 'embedded';
  let url = forced ? undefined : process.env.DATABASE_URL || undefined;
  if (!url && !forced && (await databaseAnswers(LOCAL_POSTGRES_URL))) url = LOCAL_POSTGRES_URL;
  if (!url) {
    const embedded = await startEmbeddedPostgres({ dataDir: 'memory://', inMemory: true, maxConnections: 64 });
    globalThis.__FCRM_EMBEDDED__ = embedded;
    url = embedded.url;
  }
  process.env.FCRM_TEST_DATABASE_URL = url;
  process.env.FCRM_TEST_DATABASE_KIND = globalThis.__FCRM_EMBEDDED__ ? 'embedded' : 'postgres';
  console.log(`\n[test database] ${process.env.FCRM_TEST_DATABASE_KIND}: ${url.replace(/:[^:@/]*@/, ':***@')}`);
}
