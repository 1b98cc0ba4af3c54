/**
 * `npm run bench:definitions`: what an event definition costs at ingest. In one run, on one schema,
 * round-robin: trackMany batches of 1,000 events whose values are objects of 10 properties, (a)
 * with no definition for the key, (b) with an `enforce` definition they all match, (c) with a
 * `report` definition they all fail (stored, and each violation recorded). Also the validator's CPU
 * per value, without the database. Short by design (about a minute); see BENCHMARKS.md.
 */
import { performance } from 'node:perf_hooks';
import { compileSchema } from '../src/definitions/compileSchema';
import { DefinitionsSnapshot } from '../src/definitions/definitionsSnapshot';
import { openBenchDatabase } from './benchDatabase';
import { chooseDatabase } from './database';
import { describeMachine, machineLine } from './machine';
import { recordingLogger } from './recordingLogger';
import { median } from './stats';

const EVENTS = Number(process.env.BENCH_DEFINITION_EVENTS ?? 10_000);
const CONTACTS = 1_000;
const BATCH = 1_000;
const RUNS = 3;

const SCHEMA = {
  type: 'object',
  properties: {
    order_id: { type: 'integer' },
    total: { type: 'number', minimum: 0 },
    currency: { type: 'string', enum: ['EUR', 'USD'] },
    coupon: { type: ['string', 'null'] },
    items: { type: 'integer' },
    gift: { type: 'boolean' },
    placed_at: { type: 'string', format: 'date-time' },
    channel: { type: 'string', maxLength: 20 },
    country: { type: 'string', minLength: 2, maxLength: 2 },
    email: { type: 'string', format: 'email' },
  },
  required: ['order_id', 'total', 'currency'],
};
const FAILING = { ...SCHEMA, required: [...SCHEMA.required, 'missing_property'] };

const valueOf = (i: number) => ({
  order_id: i,
  total: (i % 500) + 0.5,
  currency: i % 2 ? 'EUR' : 'USD',
  coupon: i % 3 ? null : 'SAVE10',
  items: (i % 7) + 1,
  gift: i % 5 === 0,
  placed_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  channel: 'web',
  country: 'DE',
  email: `buyer${i}@example.com`,
});

async function main(): Promise<void> {
  const choice = await chooseDatabase();
  const db = await openBenchDatabase(choice, 10, recordingLogger());
  try {
    console.log(`Machine: ${machineLine(describeMachine(db.serverVersion, db.synchronousCommit, choice.label))}`);
    await db.query(
      `INSERT INTO ${db.subscribers} (email, status, created_at, updated_at)
       SELECT 'c' || g || '@bench.test', 'subscribed', now(), now() FROM generate_series(1, ${CONTACTS}) g`,
    );
    const ids = (await db.query<{ id: string }>(`SELECT id FROM ${db.subscribers} ORDER BY id`)).map((row) => Number(row.id));

    // The validator alone: CPU per value.
    const snapshot = DefinitionsSnapshot.of(1n, [{ eventKey: 'order', mode: 'enforce', compiled: compileSchema(SCHEMA), indexed: [] }]);
    const texts = Array.from({ length: 10_000 }, (_, i) => JSON.stringify(valueOf(i)));
    for (const text of texts) snapshot.check('order', 'structured', text); // warm-up
    const cpuStart = performance.now();
    for (const text of texts) if (snapshot.check('order', 'structured', text)) throw new Error('a value failed');
    const checkUs = ((performance.now() - cpuStart) * 1000) / texts.length;
    console.log(`check (parse stored JSON + validate), 10 properties: ${checkUs.toFixed(1)} µs/value`);

    const contenders = [
      { name: 'no definition for the key', key: 'plain', setup: async () => undefined },
      { name: '`enforce` definition, every value matches', key: 'enforced', setup: () => db.rt.api('event_definitions').put('enforced', { schema: SCHEMA, mode: 'enforce' }) },
      { name: '`report` definition, every value fails (stored + recorded)', key: 'reported', setup: () => db.rt.api('event_definitions').put('reported', { schema: FAILING, mode: 'report' }) },
    ];
    for (const contender of contenders) await contender.setup();
    const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    const ingest = async (key: string, round: number) => {
      await db.query(`TRUNCATE ${db.events} CASCADE`);
      const started = performance.now();
      for (let from = 0; from < EVENTS; from += BATCH) {
        const events = Array.from({ length: Math.min(BATCH, EVENTS - from) }, (_, j) => {
          const i = from + j;
          return { event_key: key, title: `T${round}-${i % 20}`, subscriber_id: ids[i % CONTACTS], value: valueOf(i) };
        });
        const results = await db.rt.api('event_tracker').trackMany(events);
        if (results.some((result) => !('id' in result))) throw new Error(`${key}: an event was not stored`);
      }
      return performance.now() - started;
    };
    for (const contender of contenders) await ingest(contender.key, -1); // warm-up
    for (let round = 0; round < RUNS; round += 1) {
      for (const contender of contenders) times.get(contender.name)!.push(await ingest(contender.key, round));
    }
    const base = EVENTS / (median(times.get(contenders[0].name)!) / 1000);
    console.log(`\n| contender (${EVENTS.toLocaleString('en')} events, batches of ${BATCH}) | events/s (median of ${RUNS}) | vs no definition |`);
    console.log('| --- | ---: | ---: |');
    for (const contender of contenders) {
      const rate = EVENTS / (median(times.get(contender.name)!) / 1000);
      console.log(`| ${contender.name} | ${Math.round(rate).toLocaleString('en')} | ${(rate / base).toFixed(2)}× |`);
    }
    const detail = await db.rt.api('event_definitions').get('reported');
    console.log(`\nreport definition: ${detail.violations.toLocaleString('en')} violations counted, ${detail.recent_violations.length} kept`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
