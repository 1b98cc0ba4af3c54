import { randomBytes } from 'node:crypto';

/**
 * describe() for tests that need NATS JetStream: globalSetup decided (test/setup/testNats.ts) whether
 * it answers. Off CI an absent server skips them with the reason; on CI they fail with it.
 */
export function describeWithNats(name: string, body: (natsUrl: string) => void): void {
  const url = process.env.FCRM_TEST_NATS_URL;
  if (url) {
    describe(name, () => body(url));
    return;
  }
  const reason = process.env.FCRM_TEST_NATS_PROBLEM ?? 'NATS was not checked (run through jest)';
  if (process.env.FCRM_TEST_NATS_FAIL === '1') {
    describe(name, () => {
      test('needs NATS JetStream', () => {
        throw new Error(reason);
      });
    });
    return;
  }
  console.warn(`[skipped] ${name}: ${reason}`);
  describe.skip(name, () => body(''));
}

/** A stream name and subject prefix no other test run uses, so runs never see each other's messages. */
export function uniqueStream(): { stream: string; subjectPrefix: string } {
  const tag = `${process.env.JEST_WORKER_ID ?? '0'}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  return { stream: `FCRM_TEST_${tag}`, subjectPrefix: `fcrmtest.${tag}` };
}

export interface StreamMessage {
  subject: string;
  msgId: string | undefined;
  body: unknown;
}

/**
 * Reads the first `count` messages of a stream with an ordered consumer (resolves when it has them;
 * the test's timeout bounds the wait), then confirms there is not one more.
 */
export async function readStream(natsUrl: string, stream: string, count: number): Promise<StreamMessage[]> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstream } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: natsUrl });
  try {
    const consumer = await jetstream(nc).consumers.get(stream);
    const messages: StreamMessage[] = [];
    if (count === 0) return messages;
    const iterator = await consumer.consume();
    for await (const m of iterator) {
      messages.push({ subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), body: m.json() });
      if (messages.length === count) break;
    }
    return messages;
  } finally {
    await nc.close();
  }
}

/** The stream's message count and config, and a way to delete it when the test is done. */
export async function streamInfo(natsUrl: string, stream: string) {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: natsUrl });
  try {
    return await (await jetstreamManager(nc)).streams.info(stream);
  } finally {
    await nc.close();
  }
}

export async function deleteStream(natsUrl: string, stream: string): Promise<void> {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: natsUrl });
  try {
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
  } finally {
    await nc.close();
  }
}
