/**
 * Type tests for `api('event_tracker').track()` (checked by `npm run typecheck`, never run): a typed
 * TrackEventData for object literals, while data of unknown shape still reaches the run-time checks.
 */
import type { EventTrackingRuntime, TrackEventData } from 'fcrm-event-tracking';

declare const rt: EventTrackingRuntime;
const tracker = rt.api('event_tracker');

void tracker.track({ event_key: 'login', title: 'Logged in', email: 'ann@example.com' });
void tracker.track({ event_key: 42, title: 7, value: { plan: 'pro' }, provider: null, subscriber_id: '7' }, true);
void tracker.track({
  event_key: 'invoice_paid',
  title: 'Invoice paid',
  value: 1042,
  provider: 'billing',
  user_id: 42,
  idempotency_key: 'invoice-1042',
  occurred_at: new Date('2026-11-20T09:15:00Z'),
});
void tracker.track({ event_key: 'k', title: 'T', subscriber: { id: 7 }, occurred_at: '2026-11-20T09:15:00Z' });

// @ts-expect-error a typo: event_kye
void tracker.track({ event_kye: 'login', title: 'Logged in' });
// @ts-expect-error title is required
void tracker.track({ event_key: 'login' });
// @ts-expect-error an unknown key in an object literal
void tracker.track({ event_key: 'login', title: 'Logged in', emial: 'ann@example.com' });
// @ts-expect-error event_key is a string or a number
void tracker.track({ event_key: ['login'], title: 'Logged in' });
// @ts-expect-error occurred_at is an ISO 8601 string or a Date
void tracker.track({ event_key: 'login', title: 'Logged in', occurred_at: 1764115200 });
// @ts-expect-error data of unknown shape needs a cast…
void tracker.track(JSON.parse('{}') as unknown);
// …and with one it goes through the run-time validation, exactly as JavaScript callers do.
void tracker.track(JSON.parse('{}') as TrackEventData);

export {};
