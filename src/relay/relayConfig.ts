import { wholeNumber } from '../server/envNumber';
import { relaySettings, type RelayOptions } from './relaySettings';

/** `npm start`'s relay settings: unset FCRM_NATS_URL means no relay. A bad value fails start-up. */
export function readRelayConfig(env: NodeJS.ProcessEnv, onError: (message: string) => Error): RelayOptions | undefined {
  const natsUrl = env.FCRM_NATS_URL?.trim();
  if (!natsUrl) return undefined;
  const options: RelayOptions = {
    natsUrl,
    stream: env.FCRM_NATS_STREAM?.trim() || undefined,
    subjectPrefix: env.FCRM_NATS_SUBJECT_PREFIX?.trim() || undefined,
    maxAgeSeconds: wholeNumber(env, 'FCRM_NATS_MAX_AGE_SECONDS', 7 * 24 * 3600, 0, onError),
  };
  try {
    relaySettings(options);
  } catch (error) {
    const message = (error as Error).message.replace(/^relay\.stream/, 'FCRM_NATS_STREAM').replace(/^relay\.subjectPrefix/, 'FCRM_NATS_SUBJECT_PREFIX');
    throw onError(`${message}; got ${JSON.stringify(message.startsWith('FCRM_NATS_STREAM') ? options.stream : options.subjectPrefix)}`);
  }
  for (const url of natsUrl.split(',')) {
    if (!/^(nats|tls|ws|wss):\/\/[^\s]+$|^[^\s/:]+:\d+$/.test(url.trim())) {
      throw onError('FCRM_NATS_URL must be nats://HOST:PORT (several comma-separated)');
    }
  }
  return options;
}
