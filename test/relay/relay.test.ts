import { createHookRegistry, HOOKS, type ContactRecord, type TrackedEventRecord } from '../../src';
import type { DoneActionMessage } from '../../src/relay/doneActionMessage';
import { deleteStream, describeWithNats, readStream, streamInfo, uniqueStream } from '../helpers/nats';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

describeWithNats('the JetStream relay', (natsUrl) => {
  const { stream, subjectPrefix } = uniqueStream();
  const received: Array<{ event: TrackedEventRecord; subscriber: ContactRecord; id: string }> = [];
  let t: TestRuntime;

  beforeAll(async () => {
    const hooks = createHookRegistry();
    hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/relay', (event, subscriber, delivery) => {
      received.push({ event, subscriber, id: delivery!.id });
    });
    t = await openTestRuntime({ hooks, relay: { natsUrl, stream, subjectPrefix, maxAgeSeconds: 3600, pollIntervalMs: 20 } });
    await t.rt.relayReady;
  });

  afterAll(async () => {
    await t?.close();
    await deleteStream(natsUrl, stream);
  });

  test('creates the stream: its subjects, file storage, the configured max age', async () => {
    const info = await streamInfo(natsUrl, stream);
    expect(info.config.subjects).toEqual([`${subjectPrefix}.>`]);
    expect(info.config.storage).toBe('file');
    expect(info.config.max_age).toBe(3600 * 1e9);
    expect(info.config.duplicate_window).toBe(120 * 1e9);
  });

  test('every done action reaches the stream as well as in-process listeners, with the same event, contact and delivery id', async () => {
    const keys = ['plain', 'order.paid', 'ünï cödé *>'];
    const events = keys.flatMap((event_key, i) => [1, 2].map((n) => ({ event_key, title: `T${n}`, email: `relay${i}@example.com`, value: `v${n}` })));
    for (let i = 0; i < keys.length; i += 1) await t.rt.api('contacts').createOrUpdate({ email: `relay${i}@example.com` });
    await t.rt.api('event_tracker').trackMany(events, true);
    await t.rt.api('event_tracker').track({ event_key: 'plain', title: 'no done action', email: 'relay0@example.com' }); // not fired: not relayed
    await t.rt.drain();

    const messages = await readStream(natsUrl, stream, events.length);
    expect((await streamInfo(natsUrl, stream)).state.messages).toBe(events.length);
    expect(received).toHaveLength(events.length);
    const byId = new Map(messages.map((m) => [m.msgId, m]));
    for (const inProcess of received) {
      const message = byId.get(inProcess.id)!;
      expect(message).toBeDefined();
      const body = message.body as DoneActionMessage;
      expect(body).toEqual({ delivery: { id: inProcess.id, attempt: 1 }, event: inProcess.event, subscriber: inProcess.subscriber });
    }
    expect(messages.map((m) => m.subject).sort()).toEqual(
      [
        ...Array(2).fill(`${subjectPrefix}.plain`),
        ...Array(2).fill(`${subjectPrefix}.order~2Epaid`),
        ...Array(2).fill(`${subjectPrefix}.~C3~BCn~C3~AF~20c~C3~B6d~C3~A9~20~2A~3E`),
      ].sort(),
    );
    const rows = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM {schema}.fc_event_outbox WHERE relayed_at IS NULL`);
    expect(rows[0].n).toBe(0);
  });
});
