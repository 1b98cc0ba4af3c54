import { JetStreamApiCodes, JetStreamApiError, StorageType, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';

export interface StreamSettings {
  stream: string;
  subjectPrefix: string;
  /** How long the stream keeps a message, in seconds; 0 keeps them until limits say otherwise. */
  maxAgeSeconds: number;
}

/** JetStream's default duplicate window (2 minutes): a Nats-Msg-Id seen within it is dropped. */
const DUPLICATE_WINDOW_SECONDS = 120;
const NANOS = 1e9;
/** JetStream's "stream name already in use" (not in the client's list of codes). */
const STREAM_NAME_EXISTS = 10058;

/**
 * Creates the stream when it is missing: subjects `<prefix>.>`, file storage, `maxAgeSeconds`. An
 * existing stream is used as it is (an operator may have tuned it; changing it here could drop data).
 */
export async function ensureStream(jsm: JetStreamManager, settings: StreamSettings): Promise<StreamInfo> {
  try {
    return await jsm.streams.info(settings.stream);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
  }
  const maxAge = settings.maxAgeSeconds * NANOS;
  // The window may not exceed the stream's max age.
  const window = settings.maxAgeSeconds > 0 ? Math.min(DUPLICATE_WINDOW_SECONDS, settings.maxAgeSeconds) : DUPLICATE_WINDOW_SECONDS;
  try {
    return await jsm.streams.add({
      name: settings.stream,
      subjects: [`${settings.subjectPrefix}.>`],
      storage: StorageType.File,
      max_age: maxAge,
      duplicate_window: window * NANOS,
    });
  } catch (error) {
    // Another process created it first.
    if (error instanceof JetStreamApiError && error.code === STREAM_NAME_EXISTS) return jsm.streams.info(settings.stream);
    throw error;
  }
}
