import type { TrackEventData } from '../src/api/eventTrackerApi';
import type { ContactRecord } from '../src/contacts/contactRecord';
import type { TrackedEventRecord } from '../src/tracking/eventRecord';

/**
 * Identifies one delivery of a done action (its outbox row). Delivery is at least once, so a
 * listener that must not act twice remembers the ids it has handled.
 */
export interface Delivery {
  id: string;
  /** 1 for the writer's own dispatch; more when the recovery poller delivers it again. */
  attempt: number;
}

/** What `fluent_crm/track_event_activity` takes as its second argument (PHP passes `true`). */
export type FireDoneFlag = boolean | 0 | 1 | '0' | '1' | 'true' | 'false';

/**
 * Every hook the runtime fires or listens to, mapped onto its arguments. `addAction`, `doAction`,
 * `addFilter`, `applyFilters`… infer listener parameters from it, and a `fluent_crm/` name that is
 * not a key here is a compile error. Other libraries add their own hooks by declaration merging:
 *
 *   declare module 'fcrm-event-tracking' {
 *     interface HookMap { 'my_plugin/order_paid': [orderId: number, total: number] }
 *   }
 *
 * For a filter the first element is the value being filtered (and what the callbacks return).
 */
export interface HookMap {
  /** You fire it to track an event; the runtime's listener (priority 10) validates `data` again at run time. */
  'fluent_crm/track_event_activity': [data: TrackEventData, fireDone?: FireDoneFlag];
  /** After every stored occurrence (committed). */
  'fluent_crm/event_tracked': [event: TrackedEventRecord, subscriber: ContactRecord];
  /**
   * After a stored event whose call asked for it. The runtime always passes a delivery; null is
   * allowed for hosts that fire the hook themselves without an outbox row.
   */
  'fluent_crm/track_event_activity_done': [event: TrackedEventRecord, subscriber: ContactRecord, delivery: Delivery | null];
  /** Tracking from the hook failed: usually an FcrmError (`code`, `message`); `data` is what was passed. */
  'fluent_crm/track_event_activity_failed': [error: unknown, data: unknown];
  /** A listener of an isolated dispatch threw or rejected; `hookName` is the hook it listened to. */
  'fluent_crm/listener_failed': [error: unknown, hookName: string];
}

/** A hook name with typed arguments: a key of HookMap (including merged ones). */
export type KnownHookName = keyof HookMap & string;

/**
 * What a hook-name parameter accepts for the name `N`: a HookMap key, or any string outside the
 * `fluent_crm/` namespace (loose hooks). A misspelt `fluent_crm/` name does not match (the compiler
 * says it is not assignable to `KnownHookName`).
 */
export type CheckedHookName<N extends string> = N extends KnownHookName
  ? N
  : N extends `fluent_crm/${string}`
    ? KnownHookName
    : N;

/** The arguments of hook `N`: its HookMap tuple, or anything for a loose hook. */
export type HookArgs<N extends string> = N extends KnownHookName ? HookMap[N] : unknown[];

/**
 * A callback of a loose hook. Written as a method so its parameters are checked bivariantly: an
 * annotated `(orderId: number) => …` is accepted, an unannotated parameter is `unknown`.
 */
export type LooseHookCallback = { bivarianceHack(...args: unknown[]): unknown }['bivarianceHack'];

/** An action listener of hook `N`. */
export type ActionListener<N extends string> = N extends KnownHookName
  ? (...args: HookMap[N]) => unknown
  : LooseHookCallback;

/** A filter callback of hook `N`: returns the (new) value, the first argument's type. */
export type FilterListener<N extends string> = N extends KnownHookName
  ? (...args: HookMap[N]) => HookMap[N][0]
  : LooseHookCallback;
