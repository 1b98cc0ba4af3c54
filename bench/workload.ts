import type { TrackEventData } from '../src';

/** One event as every contender receives it: the same contact, key, title and value. */
export interface BenchEvent {
  subscriberId: number;
  eventKey: string;
  title: string;
  value: string;
}

/** What the events table must hold after a run of these events. */
export interface Expected {
  rows: number;
  counterSum: number;
}

/**
 * Event i goes to contact i mod contacts and key (i div contacts) mod keys: consecutive events hit
 * different contacts (no artificial row-lock queue), and the first contacts*keys events cover each
 * (contact, key) pair exactly once.
 */
export function buildEvents(contactIds: readonly number[], keys: number, count: number, tag: string): BenchEvent[] {
  const contacts = contactIds.length;
  const events: BenchEvent[] = [];
  for (let i = 0; i < count; i++) {
    const k = Math.floor(i / contacts) % keys;
    events.push({ subscriberId: contactIds[i % contacts], eventKey: `bench_key_${k}`, title: `Event ${k}`, value: `${tag}-${i}` });
  }
  return events;
}

export function expectedFor(contacts: number, keys: number, count: number): Expected {
  return { rows: Math.min(count, contacts * keys), counterSum: count };
}

/** The data FluentCRM code passes to `fluent_crm/track_event_activity`. */
export function hookData(event: BenchEvent): TrackEventData {
  return { event_key: event.eventKey, title: event.title, value: event.value, subscriber_id: event.subscriberId };
}
