/**
 * Type tests for the typed hooks (checked by `npm run typecheck`, never run). Every
 * `@ts-expect-error` must sit on a line that fails to compile, or tsc fails: so this file proves
 * both that the good calls compile and that the bad ones do not.
 */
import type { ContactRecord, Delivery, EventTrackingRuntime, HookRegistry, TrackedEventRecord } from 'fcrm-event-tracking';
import { HOOKS } from 'fcrm-event-tracking';
import type { HookName, KnownHookName } from '../../hooks';

declare const rt: EventTrackingRuntime;
declare const hooks: HookRegistry;

/** Fails to compile unless A and B are the same type. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_proof?: T): void => undefined;

// HOOKS and HookMap name the same fluent_crm/ hooks: a new hook constant needs its argument tuple.
assertType<Equals<HookName, Extract<KnownHookName, `fluent_crm/${string}`>>>();

// The README's snippet: parameters inferred from HookMap.
rt.hooks.addAction('fluent_crm/track_event_activity_done', 'my-plugin/automation', (event, subscriber, delivery) => {
  assertType<Equals<typeof event, TrackedEventRecord>>();
  assertType<Equals<typeof subscriber, ContactRecord>>();
  assertType<Equals<typeof delivery, Delivery | null>>();
  return `${subscriber.email} did ${event.event_key} (${event.counter} times)`;
});
rt.hooks.addAction('fluent_crm/track_event_activity_done', 'ns', (event, subscriber) => subscriber.email);
// The constants are the same names.
rt.hooks.addAction(HOOKS.EVENT_TRACKED, 'ns', (event, subscriber) => event.id + subscriber.id);
hooks.addAction(HOOKS.LISTENER_FAILED, 'ns', (error, hookName) => {
  assertType<Equals<typeof error, unknown>>();
  return hookName.toUpperCase();
});
hooks.addAction('fluent_crm/track_event_activity', 'ns', (data, fireDone) => [data.event_key, fireDone]);
// Correct annotations are accepted, and so is a listener that takes fewer parameters.
hooks.addAction('fluent_crm/event_tracked', 'ns', (event: TrackedEventRecord, subscriber: ContactRecord) => event.id + subscriber.id);
hooks.addAction('fluent_crm/event_tracked', 'ns', () => undefined);

// A wrong annotation fails.
// @ts-expect-error subscriber is a ContactRecord, not a string
hooks.addAction('fluent_crm/track_event_activity_done', 'ns', (event: TrackedEventRecord, subscriber: string) => subscriber);
// @ts-expect-error event is a TrackedEventRecord
hooks.addAction('fluent_crm/event_tracked', 'ns', (event: { id: string }) => event.id);
// Using a parameter as what it is not fails.
// @ts-expect-error ContactRecord has no `mail`
hooks.addAction('fluent_crm/track_event_activity_done', 'ns', (_event, subscriber) => subscriber.mail);

// A misspelt fluent_crm/ name fails, in every method that takes a name.
// @ts-expect-error misspelt: track_event_activty_done
hooks.addAction('fluent_crm/track_event_activty_done', 'ns', () => undefined);
// @ts-expect-error not in HookMap
hooks.doAction('fluent_crm/no_such_hook');
// @ts-expect-error not in HookMap
hooks.removeAction('fluent_crm/no_such_hook', 'ns');
// @ts-expect-error not in HookMap
hooks.hasAction('fluent_crm/no_such_hook');
// @ts-expect-error not in HookMap
hooks.addFilter('fluent_crm/no_such_filter', 'ns', (value: string) => value);
// @ts-expect-error not in HookMap
hooks.applyFilters('fluent_crm/no_such_filter', 'value');

// doAction checks the arguments against HookMap.
declare const event: TrackedEventRecord;
declare const contact: ContactRecord;
hooks.doAction('fluent_crm/track_event_activity_done', event, contact, { id: '1', attempt: 1 });
hooks.doAction('fluent_crm/track_event_activity_done', event, contact, null);
void hooks.doActionAsync('fluent_crm/event_tracked', event, contact);
// @ts-expect-error the delivery (or null) is missing
hooks.doAction('fluent_crm/track_event_activity_done', event, contact);
// @ts-expect-error the arguments are swapped
void hooks.doActionAsync('fluent_crm/event_tracked', contact, event);
hooks.doAction('fluent_crm/track_event_activity', { event_key: 'login', title: 'Logged in', email: 'ann@example.com' }, true);
// @ts-expect-error a typo in the tracking data
hooks.doAction('fluent_crm/track_event_activity', { event_kye: 'login', title: 'Logged in' }, true);
// @ts-expect-error fireDone is a flag
hooks.doAction('fluent_crm/track_event_activity', { event_key: 'login', title: 'Logged in' }, 'yes');

// Other names stay loose: any arguments, unknown parameters unless annotated.
hooks.doAction('my_plugin/anything', 1, 'two', { three: 3 });
hooks.addAction('my_plugin/anything', 'ns', (n: number, s: string) => n + s.length);
hooks.addAction('my_plugin/anything', 'ns', (first) => {
  assertType<Equals<typeof first, unknown>>();
});
const filtered: number = hooks.applyFilters('my_plugin/price', 10, 'EUR');
void hooks.applyFiltersAsync('my_plugin/price', 10).then((price: number) => price);
// A name known only at run time is loose as well.
declare const dynamicName: string;
hooks.doAction(dynamicName, filtered);

export {};
