import { DEFAULT_STREAM, DEFAULT_SUBJECT_PREFIX } from './doneActionMessage';

/** The runtime's `relay` option: publish every done action to NATS JetStream. */
export interface RelayOptions {
  /** e.g. nats://127.0.0.1:4222 (FCRM_NATS_URL); several servers comma-separated. */
  natsUrl: string;
  /** Stream name (default FCRM_EVENTS; FCRM_NATS_STREAM). */
  stream?: string;
  /** Subjects are `<prefix>.<encoded event key>` (default fcrm.events; FCRM_NATS_SUBJECT_PREFIX). */
  subjectPrefix?: string;
  /** Max age of a message in a stream this creates, seconds (default 7 days; 0: no limit; FCRM_NATS_MAX_AGE_SECONDS). */
  maxAgeSeconds?: number;
  /** Rows claimed and published together (default 500). */
  batchSize?: number;
  /** Batches in flight at once, each awaiting its acks (default 2). */
  concurrency?: number;
  /** How long a claim lasts before another relay may publish the row again (default 30 s). */
  leaseMs?: number;
  /** How often to look for new rows when there were none (default 200 ms). */
  pollIntervalMs?: number;
}

export type RelaySettings = Required<RelayOptions>;

const WEEK_SECONDS = 7 * 24 * 3600;

/** Checked at start-up: a bad setting fails here, not in the relay loop. */
export function relaySettings(options: RelayOptions): RelaySettings {
  const settings: RelaySettings = {
    natsUrl: options.natsUrl,
    stream: options.stream ?? DEFAULT_STREAM,
    subjectPrefix: options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX,
    maxAgeSeconds: options.maxAgeSeconds ?? WEEK_SECONDS,
    batchSize: options.batchSize ?? 500,
    concurrency: options.concurrency ?? 2,
    leaseMs: options.leaseMs ?? 30_000,
    pollIntervalMs: options.pollIntervalMs ?? 200,
  };
  if (typeof settings.natsUrl !== 'string' || settings.natsUrl.trim() === '') throw new TypeError('relay.natsUrl must be a NATS URL');
  if (!/^[A-Za-z0-9_-]+$/.test(settings.stream)) throw new TypeError('relay.stream must be letters, digits, _ and -');
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(settings.subjectPrefix)) {
    throw new TypeError('relay.subjectPrefix must be dot-separated tokens of letters, digits, _ and -');
  }
  const whole = (name: keyof RelaySettings, min: number) => {
    const value = settings[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw new TypeError(`relay.${name} must be a whole number, at least ${min}`);
  };
  whole('maxAgeSeconds', 0);
  whole('batchSize', 1);
  whole('concurrency', 1);
  whole('leaseMs', 100);
  whole('pollIntervalMs', 10);
  return settings;
}
