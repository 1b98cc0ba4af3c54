/**
 * The project's hook names, spelled the way FluentCRM's PHP code spells them. The registry maps them
 * to engine-safe names internally, so callers always use these PHP-style strings.
 */

/** Filter/action run while an event is being tracked (before commit). */
export const TRACK_EVENT_ACTIVITY = 'fluent_crm/track_event_activity';
/** Fired after a track-event call has finished. */
export const TRACK_EVENT_ACTIVITY_DONE = 'fluent_crm/track_event_activity_done';
/** Fired once an event row has been committed. */
export const EVENT_TRACKED = 'fluent_crm/event_tracked';
/** Fired when tracking an event failed. */
export const TRACK_EVENT_ACTIVITY_FAILED = 'fluent_crm/track_event_activity_failed';
/** Fired when an isolated listener threw or rejected. */
export const LISTENER_FAILED = 'fluent_crm/listener_failed';

export const HOOKS = {
  TRACK_EVENT_ACTIVITY,
  TRACK_EVENT_ACTIVITY_DONE,
  EVENT_TRACKED,
  TRACK_EVENT_ACTIVITY_FAILED,
  LISTENER_FAILED,
} as const;

export type HookName = (typeof HOOKS)[keyof typeof HOOKS];
