import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { BUILD_TIMEOUT_MS, ensureBuilt, ROOT } from '../helpers/builtPackage';
import { deleteStream, describeWithNats, readStream, streamInfo, uniqueStream } from '../helpers/nats';
import { openTestRuntime, testDatabaseUrl, type TestRuntime } from '../helpers/testRuntime';

const EVENTS = 20_000;
const BATCH = 1_000;
const KILLS = 8;

interface RelayChild {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Children still running when the test ends (it failed or timed out): killed in afterAll. */
const running = new Set<ChildProcess>();

function startRelay(schema: string, natsUrl: string, stream: string, subjectPrefix: string, mode: 'killed' | 'until-empty'): RelayChild {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'test', 'fixtures', 'relayProcess.cjs'), testDatabaseUrl(), schema, natsUrl, stream, subjectPrefix, mode],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  running.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    void exited.then(({ code, signal }) => reject(new Error(`relay exited before it was ready (${code ?? signal})`)));
  });
  return { child, ready, exited };
}

// The crash test: the relay is SIGKILLed at random moments while 20,000 done actions are
// written; afterwards the stream holds each outbox row exactly once (by Nats-Msg-Id), none lost.
// PostgreSQL only: relay processes beside the writer need a database other processes share; the
// embedded one lives in one process (a relay there dies with it) and its single session serialises
// 20,000 writes and the children's claims past any sensible time limit.
const describeOnPostgres = (name: string, body: (natsUrl: string) => void) =>
  process.env.FCRM_TEST_DATABASE_KIND === 'embedded' ? describe.skip(name, () => body('')) : describeWithNats(name, body);
describeOnPostgres('the relay survives SIGKILL', (natsUrl) => {
  const { stream, subjectPrefix } = uniqueStream();
  let t: TestRuntime;

  beforeAll(async () => {
    ensureBuilt();
    // The writer: records done actions, dispatches nothing itself (only the relay children read the outbox).
    t = await openTestRuntime({ outbox: { deliver: false } });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await t?.close();
    await deleteStream(natsUrl, stream);
  });

  test(`${EVENTS} done actions, relay killed ${KILLS} times at random points: exactly ${EVENTS} distinct message ids`, async () => {
    const contacts = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.rt.api('contacts').createOrUpdate({ email: `crash${i}@example.com` })),
    );
    let written = 0;
    const ingest = (async () => {
      for (let b = 0; b < EVENTS / BATCH; b += 1) {
        const events = Array.from({ length: BATCH }, (_, i) => ({
          event_key: i % 3 === 0 ? 'order.paid' : 'visit',
          title: `Item ${i % 7}`,
          subscriber_id: contacts[(b + i) % contacts.length].id,
        }));
        await t.rt.api('event_tracker').trackMany(events, true);
        written += BATCH;
      }
    })();

    let kills = 0;
    while (kills < KILLS || written < EVENTS) {
      const relay = startRelay(t.schema, natsUrl, stream, subjectPrefix, 'killed');
      await relay.ready;
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 600)));
      relay.child.kill('SIGKILL');
      expect((await relay.exited).signal).toBe('SIGKILL');
      kills += 1;
    }
    await ingest;
    const last = startRelay(t.schema, natsUrl, stream, subjectPrefix, 'until-empty');
    expect(await last.exited).toEqual({ code: 0, signal: null });

    const info = await streamInfo(natsUrl, stream);
    expect(info.state.messages).toBe(EVENTS);
    const messages = await readStream(natsUrl, stream, EVENTS);
    const ids = new Set(messages.map((m) => m.msgId));
    expect(ids.size).toBe(EVENTS);
    const outbox = await t.sql<{ id: string }>(`SELECT id::text AS id FROM {schema}.fc_event_outbox`);
    expect(outbox).toHaveLength(EVENTS);
    expect([...ids].sort()).toEqual(outbox.map((row) => row.id).sort());
    // The kills did land mid-batch: some rows were claimed again after their relay died.
    const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM {schema}.fc_event_outbox WHERE relay_attempts > 1`);
    console.log(`[relay crash] ${kills} kills; ${n} rows published more than once (dropped by the duplicate window)`);
    expect(n).toBeGreaterThan(0);
  }, 240_000);
});
