import type { EventTrackingRuntime } from '../../src';

let sequence = 0;

/** An e-mail no other test in the file uses. */
export function uniqueEmail(label = 'contact'): string {
  sequence += 1;
  return `${label}.${sequence}.${Date.now().toString(36)}@example.com`;
}

export async function createContact(rt: EventTrackingRuntime, fields: Record<string, unknown> = {}) {
  return rt.api('contacts').createOrUpdate({ email: uniqueEmail(), ...fields } as never);
}

/** A contact with `n` distinct events `key_1`…`key_n` titled `Event 1`…, tracked in that order. */
export async function createContactWithEvents(rt: EventTrackingRuntime, n: number, extra: Record<string, unknown> = {}) {
  const contact = await createContact(rt);
  for (let i = 1; i <= n; i += 1) {
    await rt.api('event_tracker').track({ event_key: `key_${i}`, title: `Event ${i}`, subscriber_id: contact.id, ...extra });
  }
  return contact;
}

/** The seed's example event (PHP API and action hook). */
export const SEED_EVENT = {
  event_key: 'fcrm_event_tested',
  title: 'Testing FluentCRM Event',
  value: 'This is my event value with plain Text',
  provider: 'woocommerce',
} as const;
