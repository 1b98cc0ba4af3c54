import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, JetStreamApiCodes, JetStreamApiError, type ConsumerConfig, type JsMsg } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { consoleLogger, describeError, type Logger } from '../runtime/logger';
import { DEFAULT_STREAM, DEFAULT_SUBJECT_PREFIX, type DoneActionMessage } from './doneActionMessage';
import { ensureStream } from './ensureStream';
import { decodeSubjectToken, doneActionSubject } from './subjectToken';

/** What a handler gets besides the message. */
export interface DoneActionContext {
  /** 1 on the first delivery to this consumer; more after a nak or an ack timeout. */
  deliveryCount: number;
  /** The message's sequence number in the stream. */
  streamSequence: number;
  subject: string;
}

/** A message the handler failed `maxDeliver` times (or that is not a done action): it is not delivered again. */
export interface DoneActionFailure {
  /** Undefined when the body was not a done action's JSON. */
  message: DoneActionMessage | undefined;
  error: unknown;
  deliveryCount: number;
  streamSequence: number;
  subject: string;
}

export interface SubscribeDoneActionsOptions {
  /** e.g. nats://127.0.0.1:4222; several servers comma-separated. */
  natsUrl: string;
  /** The durable consumer's name: processes using one name share its messages; it resumes where it stopped. */
  durable: string;
  /** Only done actions of these event keys (default: all). */
  eventKeys?: readonly string[];
  /** Resolves: acked. Throws (or rejects): redelivered after `backoffMs`, up to `maxDeliver` deliveries in all. */
  handler: (message: DoneActionMessage, context: DoneActionContext) => void | Promise<void>;
  /** Deliveries before giving up on a message (default 5). */
  maxDeliver?: number;
  /** Delay before the n-th redelivery after a throw: the n-th entry, the last one beyond (default 1 s, 5 s, 30 s, 2 min). */
  backoffMs?: readonly number[];
  /** A handler still running after this is assumed dead and its message redelivered (default 60 s). */
  ackWaitMs?: number;
  /** Called once a message is given up (after `maxDeliver` failed deliveries); default: logged as an error. */
  onGiveUp?: (failure: DoneActionFailure) => void | Promise<void>;
  /** Where failures of the subscription itself are logged (default: the console). */
  logger?: Logger;
  /** The relay's stream and subject prefix, when not the defaults (FCRM_EVENTS, fcrm.events). */
  stream?: string;
  subjectPrefix?: string;
}

export interface DoneActionSubscription {
  /** Stops taking messages, lets the handler finish the current one, then closes the connection. */
  close(): Promise<void>;
  /** Resolves when the subscription has ended (closed, or the connection was lost for good). */
  closed: Promise<void>;
}

const NANOS_PER_MS = 1e6;

/**
 * Receives the relay's done actions in any process: a durable JetStream pull consumer with explicit
 * acks, so each message is handled at least once. The handler is awaited one message at a time (in
 * stream order); a handler that throws is nak'ed with a delay from `backoffMs` and redelivered, and
 * after `maxDeliver` deliveries the message is terminated and reported to `onGiveUp`.
 */
export async function subscribeDoneActions(options: SubscribeDoneActionsOptions): Promise<DoneActionSubscription> {
  const settings = checkOptions(options);
  const logger = options.logger ?? consoleLogger;
  const nc = await connect({ servers: settings.natsUrl.split(',').map((s) => s.trim()), maxReconnectAttempts: -1, name: `fcrm-consumer-${settings.durable}` });
  try {
    const jsm = await jetstreamManager(nc);
    // The consumer may start before any relay did: the stream is created as the relay would.
    await ensureStream(jsm, { stream: settings.stream, subjectPrefix: settings.subjectPrefix, maxAgeSeconds: 7 * 24 * 3600 });
    const subjects = (options.eventKeys ?? []).map((key) => doneActionSubject(settings.subjectPrefix, key));
    // Several filter subjects need nats-server 2.10; before it, the consumer takes every key and skips the others here.
    const several = subjects.length > 1 && !serverAtLeast(nc.info?.version, 2, 10);
    const wanted = several ? new Set(options.eventKeys) : undefined;
    // The other filter field explicitly unset: an update merges into the consumer's stored config,
    // and a consumer moving between one key and several must not keep both (the server refuses that).
    const filter: Partial<ConsumerConfig> =
      subjects.length === 0 || several
        ? { filter_subject: `${settings.subjectPrefix}.>`, filter_subjects: undefined }
        : subjects.length === 1
          ? { filter_subject: subjects[0], filter_subjects: undefined }
          : { filter_subjects: subjects, filter_subject: undefined };
    const config: Partial<ConsumerConfig> = {
      ...filter,
      max_deliver: settings.maxDeliver,
      ack_wait: settings.ackWaitMs * NANOS_PER_MS,
    };
    try {
      await jsm.consumers.info(settings.stream, settings.durable);
      await jsm.consumers.update(settings.stream, settings.durable, config);
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.ConsumerNotFound) throw error;
      await jsm.consumers.add(settings.stream, { ...config, durable_name: settings.durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    }
    const consumer = await jetstream(nc).consumers.get(settings.stream, settings.durable);
    const messages = await consumer.consume({ max_messages: 64 });

    const handle = async (m: JsMsg): Promise<void> => {
      const context: DoneActionContext = { deliveryCount: m.info.deliveryCount, streamSequence: m.seq, subject: m.subject };
      let message: DoneActionMessage | undefined;
      try {
        message = m.json<DoneActionMessage>();
        if (wanted && !wanted.has(decodeSubjectToken(m.subject.slice(settings.subjectPrefix.length + 1)))) {
          m.ack(); // another key's done action, on a server without several filter subjects
          return;
        }
        await options.handler(message, context);
        m.ack();
      } catch (error) {
        if (message !== undefined && context.deliveryCount < settings.maxDeliver) {
          m.nak(settings.backoffMs[Math.min(context.deliveryCount, settings.backoffMs.length) - 1]);
          return;
        }
        m.term();
        const failure: DoneActionFailure = { message, error, ...context };
        try {
          await (options.onGiveUp ?? ((f: DoneActionFailure) => logger.error({ ...describeError(f.error), subject: f.subject, streamSequence: f.streamSequence, deliveryCount: f.deliveryCount }, 'A done action handler gave up')))(failure);
        } catch (reportError) {
          logger.error(describeError(reportError), 'onGiveUp threw');
        }
      }
    };

    const loop = (async () => {
      for await (const m of messages) await handle(m);
    })().catch((error: unknown) => logger.error(describeError(error), 'The done action subscription stopped'));
    let closing: Promise<void> | undefined;
    const closed = loop.then(() => undefined);
    return {
      closed,
      close() {
        closing ??= (async () => {
          messages.stop();
          await loop;
          await nc.drain().catch(() => nc.close());
        })();
        return closing;
      },
    };
  } catch (error) {
    await nc.close();
    throw error;
  }
}

function checkOptions(options: SubscribeDoneActionsOptions) {
  if (typeof options.handler !== 'function') throw new TypeError('handler must be a function');
  if (typeof options.durable !== 'string' || !/^[A-Za-z0-9_-]+$/.test(options.durable)) throw new TypeError('durable must be letters, digits, _ and -');
  const maxDeliver = options.maxDeliver ?? 5;
  if (!Number.isSafeInteger(maxDeliver) || maxDeliver < 1) throw new TypeError('maxDeliver must be a whole number, at least 1');
  const backoffMs = options.backoffMs ?? [1_000, 5_000, 30_000, 120_000];
  if (backoffMs.length === 0 || backoffMs.some((ms) => !Number.isSafeInteger(ms) || ms < 0)) throw new TypeError('backoffMs must be whole numbers of milliseconds');
  const ackWaitMs = options.ackWaitMs ?? 60_000;
  if (!Number.isSafeInteger(ackWaitMs) || ackWaitMs < 1_000) throw new TypeError('ackWaitMs must be a whole number of milliseconds, at least 1000');
  if (options.eventKeys !== undefined && (!Array.isArray(options.eventKeys) || options.eventKeys.some((key) => typeof key !== 'string'))) {
    throw new TypeError('eventKeys must be an array of event keys');
  }
  return {
    natsUrl: options.natsUrl,
    durable: options.durable,
    maxDeliver,
    backoffMs,
    ackWaitMs,
    stream: options.stream ?? DEFAULT_STREAM,
    subjectPrefix: options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX,
  };
}

function serverAtLeast(version: string | undefined, major: number, minor: number): boolean {
  const [a, b] = (version ?? '0.0').split('.').map(Number);
  return a > major || (a === major && b >= minor);
}
