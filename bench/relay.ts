/**
 * `npm run bench:relay`: does the JetStream relay keep up with ingest? Side by side in one run, on
 * one PostgreSQL and the machine's NATS (FCRM_NATS_URL, default nats://127.0.0.1:4222): the time to
 * ingest BENCH_RELAY_EVENTS (default 20,000) done actions through trackMany (1,000 per call, no relay
 * running), then the time one relay (defaults: batches of 500, 2 in flight) takes to publish them all
 * and have each acknowledged (BENCH_RELAY_BATCH / BENCH_RELAY_CONCURRENCY try other settings).
 * Prints both rates and their ratio.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { createEventTracking, silentLogger } from '../src';
import { quoteIdent } from '../src/db/tableNames';

const DB_URL = process.env.DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/test';
const NATS_URL = process.env.FCRM_NATS_URL?.trim() || 'nats://127.0.0.1:4222';
const EVENTS = Number(process.env.BENCH_RELAY_EVENTS ?? 20_000);

async function main(): Promise<void> {
  const tag = `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const schema = `bench_relay_${tag}`;
  const stream = `BENCH_RELAY_${tag}`;
  const subjectPrefix = `benchrelay.${tag}`;
  try {
    const writer = await createEventTracking({ databaseUrl: DB_URL, schema, logger: silentLogger, outbox: { deliver: false } });
    await writer.dataSource.query(
      `INSERT INTO ${quoteIdent(schema)}.fc_subscribers (email) SELECT 'relay-' || g || '@example.com' FROM generate_series(0, 999) g`,
    );
    const ingestStart = process.hrtime.bigint();
    for (let done = 0; done < EVENTS; done += 1_000) {
      await writer.api('event_tracker').trackMany(
        Array.from({ length: 1_000 }, (_, i) => ({ event_key: `key_${i % 10}`, title: 'Bench', email: `relay-${(done + i) % 1000}@example.com` })),
        true,
      );
    }
    const ingestMs = Number(process.hrtime.bigint() - ingestStart) / 1e6;
    await writer.close();

    const relayStart = process.hrtime.bigint();
    const relay = await createEventTracking({
      databaseUrl: DB_URL,
      schema,
      logger: silentLogger,
      outbox: { deliver: false },
      relay: {
        natsUrl: NATS_URL,
        stream,
        subjectPrefix,
        pollIntervalMs: 20,
        ...(process.env.BENCH_RELAY_BATCH ? { batchSize: Number(process.env.BENCH_RELAY_BATCH) } : {}),
        ...(process.env.BENCH_RELAY_CONCURRENCY ? { concurrency: Number(process.env.BENCH_RELAY_CONCURRENCY) } : {}),
      },
    });
    await relay.relayReady;
    for (;;) {
      const [{ n }] = await relay.dataSource.query(`SELECT count(*)::int AS n FROM ${quoteIdent(schema)}.fc_event_outbox WHERE relayed_at IS NULL`);
      if (n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const relayMs = Number(process.hrtime.bigint() - relayStart) / 1e6;
    await relay.close();

    const ingestRate = (EVENTS / ingestMs) * 1000;
    const relayRate = (EVENTS / relayMs) * 1000;
    console.log(`| ${EVENTS} done actions | ms | per second |`);
    console.log(`| --- | ---: | ---: |`);
    console.log(`| ingest (trackMany ×1,000, fireDone) | ${ingestMs.toFixed(0)} | ${ingestRate.toFixed(0)} |`);
    console.log(`| relay to JetStream, every publish acked (incl. connecting) | ${relayMs.toFixed(0)} | ${relayRate.toFixed(0)} |`);
    console.log(`\nrelay / ingest: ${(relayRate / ingestRate).toFixed(2)}×; load average: ${loadavg().map((n) => n.toFixed(1)).join(' ')}`);
  } finally {
    const client = new Client({ connectionString: DB_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await client.end();
    const nc = await connect({ servers: NATS_URL });
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
