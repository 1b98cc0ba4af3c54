import type { ContactRecord } from '../contacts/contactRecord';
import type { TrackedEventRecord } from '../tracking/eventRecord';

/**
 * The JSON body of a done action on JetStream. `delivery.id` is the outbox row's id (also the
 * `Nats-Msg-Id` header); `delivery.attempt` counts the relay's publishing attempts of that row
 * (more than 1 after a relay died or a publish failed; the stream's duplicate window drops repeats).
 * `event` and `subscriber` are what in-process `fluent_crm/track_event_activity_done` listeners receive.
 */
export interface DoneActionMessage {
  delivery: { id: string; attempt: number };
  event: TrackedEventRecord;
  subscriber: ContactRecord;
}

/** Defaults of the stream and its subjects (`FCRM_NATS_STREAM`, `FCRM_NATS_SUBJECT_PREFIX`). */
export const DEFAULT_STREAM = 'FCRM_EVENTS';
export const DEFAULT_SUBJECT_PREFIX = 'fcrm.events';
