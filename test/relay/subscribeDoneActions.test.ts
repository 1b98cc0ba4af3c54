import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { BUILD_TIMEOUT_MS, ensureBuilt, ROOT } from '../helpers/builtPackage';
import { spawnLines, type LineProcess } from '../helpers/lineProcess';
import { deleteStream, describeWithNats, uniqueStream } from '../helpers/nats';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

// subscribeDoneActions in a second process: the relay (this process) publishes, the consumer
// (a child process) handles, naks, redelivers and gives up, and resumes as a durable consumer.
describeWithNats('subscribeDoneActions in another process', (natsUrl) => {
  const { stream, subjectPrefix } = uniqueStream();
  let t: TestRuntime;
  const durable = 'automation';

  const consumer = (keys: string): LineProcess =>
    spawnLines(process.execPath, [join(ROOT, 'test', 'fixtures', 'consumerProcess.cjs'), natsUrl, stream, subjectPrefix, durable, keys], { cwd: ROOT });

  /** Nothing left for the consumer: every message acked or terminated. */
  async function settled(): Promise<boolean> {
    const nc = await connect({ servers: natsUrl });
    try {
      const info = await (await jetstreamManager(nc)).consumers.info(stream, durable);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    } finally {
      await nc.close();
    }
  }

  beforeAll(async () => {
    ensureBuilt();
    t = await openTestRuntime({ relay: { natsUrl, stream, subjectPrefix, pollIntervalMs: 20 } });
    await t.rt.relayReady;
    await t.rt.api('contacts').createOrUpdate({ email: 'consumer@example.com' });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await t?.close();
    await deleteStream(natsUrl, stream);
  });

  const track = (event_key: string, value: string) =>
    t.rt.api('event_tracker').track({ event_key, title: `${event_key} ${value}`, value, email: 'consumer@example.com' }, true);

  test('acks, redelivers a throwing handler with backoff, gives up after maxDeliver, filters keys, resumes durably', async () => {
    const first = consumer('order.paid,signup');
    await first.until((lines) => lines.some((l) => l.type === 'ready'));
    await track('order.paid', 'ok');
    await track('visit', 'ok'); // not one of its keys
    await track('signup', 'fail-once');
    await track('order.paid', 'fail-always');
    await first.until(
      (lines) =>
        lines.filter((l) => l.type === 'handled').length === 2 && lines.some((l) => l.type === 'gave-up'),
    );
    // Wait for the consumer to have nothing pending, then compare everything it printed.
    while (!(await settled())) await new Promise((resolve) => setTimeout(resolve, 50));
    const outcomes = first.lines.filter((l) => l.type !== 'ready').map(({ type, value, deliveryCount }) => ({ type, value, deliveryCount }));
    expect(outcomes).toEqual(
      expect.arrayContaining([
        { type: 'handled', value: 'ok', deliveryCount: 1 },
        { type: 'handled', value: 'fail-once', deliveryCount: 2 },
        { type: 'gave-up', value: 'fail-always', deliveryCount: 3 },
      ]),
    );
    expect(outcomes).toHaveLength(3);

    first.child.kill('SIGTERM');
    await first.until((lines) => lines.some((l) => l.type === 'closed'));
    expect((await first.exited).code).toBe(0);

    // Done actions recorded while no consumer runs wait in the stream for the durable consumer.
    await track('signup', 'while-away');
    await t.rt.drain();
    const second = consumer('order.paid,signup');
    try {
      await second.until((lines) => lines.some((l) => l.type === 'handled'));
      while (!(await settled())) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(second.lines.filter((l) => l.type === 'handled').map((l) => l.value)).toEqual(['while-away']);
      expect(second.lines.some((l) => l.type === 'gave-up')).toBe(false);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 120_000);

  test('examples/nats-consumer.js prints the done actions it receives', async () => {
    const example = spawnLines(process.execPath, [join(ROOT, 'examples', 'nats-consumer.js')], {
      cwd: ROOT,
      env: { ...process.env, FCRM_NATS_URL: natsUrl, FCRM_NATS_STREAM: stream, FCRM_NATS_SUBJECT_PREFIX: subjectPrefix, DURABLE: 'example', EVENT_KEYS: 'order.paid' },
    });
    try {
      await track('order.paid', 'from-example');
      await example.until((lines) => lines.some((l) => l.email === 'consumer@example.com' && l.event_key === 'order.paid'));
    } finally {
      example.child.kill('SIGTERM');
      expect((await example.exited).code).toBe(0);
    }
  }, 60_000);
});
