import type { EventTrackerApi, TrackEventData } from '../api/eventTrackerApi';
import { FcrmError, MESSAGES } from '../errors';
import { toDatabaseId } from '../tracking/contactReference';
import type { TrackedEventRecord } from '../tracking/eventRecord';

/** What the "add event" action records; the contact is always the one the automation runs for. */
export interface AddEventData {
  event_key: string | number;
  title: string | number;
  value?: unknown;
  provider?: string | null;
}

/** Anything that offers `api('event_tracker')`: the runtime, or a test double. */
export interface EventTrackerHost {
  api(name: 'event_tracker'): EventTrackerApi;
}

/**
 * FluentCRM Pro's "Add Event" action: tracks an event for `subscriberId` through the ordinary
 * tracker (sanitising, the atomic upsert, the after-commit hooks). Only the four event fields are
 * taken from `data`, so an `email`, `user_id` or `subscriber` in it can never redirect the event to
 * another contact. `fireDone` (default true) fires the done action, which may start other automations.
 */
export async function addEventAction(
  host: EventTrackerHost,
  subscriberId: number | string,
  data: AddEventData,
  fireDone = true,
): Promise<TrackedEventRecord> {
  const id = toDatabaseId(subscriberId);
  if (!id) throw new FcrmError('subscriber_not_found', MESSAGES.subscriberNotFound);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new FcrmError('invalid_data', MESSAGES.invalidData);
  }
  const { event_key, title, value, provider } = data;
  const event: TrackEventData = { event_key, title, value, subscriber_id: id };
  // A missing provider must stay missing, so the tracker's default ('custom') applies.
  if (Object.prototype.hasOwnProperty.call(data, 'provider')) event.provider = provider;
  return host.api('event_tracker').track(event, fireDone === true);
}
