import type { Logger } from '../src/runtime/logger';
import { describeError } from '../src/runtime/logger';
import type { InFlight } from '../src/runtime/inFlight';
import type { Tracker } from '../src/tracking/tracker';
import type { TrackingObserver } from '../src/ops/runtimeMetrics';
import { HOOKS } from './hookNames';
import type { HookRegistry } from './registry';

export const TRACKER_NAMESPACE = 'fcrm-event-tracking/tracker';

const nothing = (): void => undefined;

/**
 * The hook entrance: `doAction('fluent_crm/track_event_activity', data, fireDone)` (priority 10,
 * as FluentCRM). A sync doAction starts the work and returns; the runtime's `drain()` awaits it and
 * `doActionAsync` awaits it directly. A hook has no caller to reject to, so a failure is announced
 * on `fluent_crm/track_event_activity_failed(error, data)` and logged, and never left unhandled.
 * Returns a function that removes the listener.
 */
export function registerTrackEventListener(deps: {
  hooks: HookRegistry;
  tracker: Tracker;
  inFlight: InFlight;
  logger: Logger;
  /** Counts the hook's calls (entrance `hook`) by result. */
  observer?: Pick<TrackingObserver, 'tracked'>;
}): () => void {
  const { hooks, tracker, inFlight, logger, observer } = deps;
  const failed = async (error: unknown, data: unknown): Promise<void> => {
    logger.error(describeError(error), 'Tracking an event from the hook failed');
    await hooks.doActionIsolated(
      HOOKS.TRACK_EVENT_ACTIVITY_FAILED,
      (listenerError, hookName) => logger.error({ hook: hookName, ...describeError(listenerError) }, 'A hook listener failed'),
      error,
      data,
    );
  };
  const stored = observer ? (result: { replayed: boolean }) => observer.tracked('hook', result.replayed ? 'replayed' : 'stored') : nothing;
  const listener = (data: unknown, fireDone?: unknown): Promise<void> =>
    inFlight.run(() =>
      tracker.track(data, isTruthyFlag(fireDone)).then(stored, (error: unknown) => {
        observer?.tracked('hook', 'rejected');
        return failed(error, data);
      }),
    );
  hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY, TRACKER_NAMESPACE, listener, 10);
  return () => {
    hooks.removeAction(HOOKS.TRACK_EVENT_ACTIVITY, TRACKER_NAMESPACE);
  };
}

/** PHP passes `true`; callers porting PHP code also pass 1 or "1". */
function isTruthyFlag(flag: unknown): boolean {
  return flag === true || flag === 1 || flag === '1' || flag === 'true';
}
