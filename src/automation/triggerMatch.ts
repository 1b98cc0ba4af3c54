import { toDatabaseId } from '../tracking/contactReference';
import { foldKey, type ParsedTrigger } from './definition';

/** What the trigger needs from the done action's `(event, subscriber)`, read defensively. */
export interface TriggerFacts {
  subscriberId: string;
  eventId: string | null;
}

/**
 * The in-memory half of the trigger (no database): the contact is subscribed, the key matches
 * case-insensitively and the counter has reached the minimum. Returns the ids to go on with, or
 * null. The done action is public, so anything a host fires on it is checked, not trusted.
 */
export function matchTrigger(trigger: ParsedTrigger, event: unknown, subscriber: unknown): TriggerFacts | null {
  if (!isObject(event) || !isObject(subscriber)) return null;
  if (subscriber.status !== 'subscribed') return null;
  if (typeof event.event_key !== 'string' || foldKey(event.event_key) !== trigger.eventKeyFolded) return null;
  const counter = counterOf(event.counter);
  if (counter === null || counter < trigger.minimumEventCount) return null;
  const subscriberId = toDatabaseId(subscriber.id);
  if (!subscriberId) return null;
  // An event of another contact paired with this one is a host's mistake: run for nobody.
  if (event.subscriber_id !== undefined && toDatabaseId(event.subscriber_id) !== subscriberId) return null;
  return { subscriberId, eventId: toDatabaseId(event.id) };
}

/** A number, or digits as in the list format; anything else never reaches a minimum. */
function counterOf(raw: unknown): number | null {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string' && /^[0-9]+$/.test(raw)) return Number(raw);
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
