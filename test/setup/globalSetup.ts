import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embeddedPostgres';
import { databaseAnswers } from '../../src/db/databaseAnswers';
import { chooseTestDatabase, LOCAL_POSTGRES_URL } from './testDatabase';
import { chooseTestNats, natsAnswers } from './testNats';

declare global {
  // Handed from globalSetup to globalTeardown (same process).
  var __FCRM_EMBEDDED__: EmbeddedPostgres | undefined;
}

/**
 * Picks the database the whole suite uses (see chooseTestDatabase: DATABASE_URL, else the local
 * server, else an embedded PGlite started here, which PGlite cannot do inside a Jest test file; on CI
 * only when FCRM_TEST_DB=embedded asks for it). Test files get isolated schemas in it.
 */
export default async function globalSetup(): Promise<void> {
  const choice = await chooseTestDatabase(process.env, () => databaseAnswers(LOCAL_POSTGRES_URL));
  let url: string;
  if (choice.kind === 'embedded') {
    const embedded = await startEmbeddedPostgres({ dataDir: 'memory://', inMemory: true, maxConnections: 64 });
    globalThis.__FCRM_EMBEDDED__ = embedded;
    url = embedded.url;
  } else {
    url = choice.url;
  }
  process.env.FCRM_TEST_DATABASE_URL = url;
  process.env.FCRM_TEST_DATABASE_KIND = choice.kind;
  console.log(`\n[test database] ${choice.kind}: ${url.replace(/:[^:@/]*@/, ':***@')}`);
  // The relay's tests need NATS JetStream: run, skipped (off CI) or failed (on CI) — see testNats.ts.
  const nats = await chooseTestNats(process.env, (natsUrl) => natsAnswers(natsUrl));
  if (nats.kind === 'nats') process.env.FCRM_TEST_NATS_URL = nats.url;
  else {
    delete process.env.FCRM_TEST_NATS_URL;
    process.env.FCRM_TEST_NATS_PROBLEM = nats.reason;
    if (nats.kind === 'fail') process.env.FCRM_TEST_NATS_FAIL = '1';
  }
}
