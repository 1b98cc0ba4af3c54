import { HOOKS } from '../../hooks/hookNames';
import type { HookRegistry } from '../../hooks/registry';
import type { ContactRecord } from '../contacts/contactRecord';
import { FcrmError } from '../errors';
import type { InFlight } from '../runtime/inFlight';
import { describeError, type Logger } from '../runtime/logger';
import type { TrackedEventRecord } from '../tracking/eventRecord';
import { addEventAction, type EventTrackerHost } from './addEvent';
import { AutomationFailedError } from './automationFailure';
import { currentChainDepth, MAX_CHAIN_DEPTH, runNested } from './chainDepth';
import type { ParsedTrigger } from './definition';
import { eventConditionsHold } from './eventConditions';
import type { PropertyTypeResolver } from '../properties/propertyTest';
import type { AutomationHandler } from './handler';
import type { AutomationRunStore } from './runStore';
import type { RunStatus } from './runsTable';
import { matchTrigger } from './triggerMatch';

export interface ListenerDeps {
  hooks: HookRegistry;
  runs: AutomationRunStore;
  /** The filter engine, for one contact. */
  matchesConditions(subscriberId: string, groups: unknown[]): Promise<boolean>;
  /** Declared property types (event definitions) for event_conditions; none by default. */
  propertyType?: PropertyTypeResolver;
  tracker: EventTrackerHost;
  inFlight: InFlight;
  logger: Logger;
  /** Told of every run: `started` when claimed, then `completed` or `failed` (metrics). */
  onRun?: (status: RunStatus) => void;
}

/**
 * The done-action listener of one automation: trigger (in memory), conditions (one query), claim
 * (one statement), then the handler. It never rejects: a failure is logged and announced on
 * `fluent_crm/listener_failed`, whichever way the done action was fired (a sync doAction has no
 * caller to reject to). Its work is registered with `inFlight`, so `drain()` waits for it.
 */
export function createEventRecordedListener(
  trigger: ParsedTrigger,
  handler: AutomationHandler,
  deps: ListenerDeps,
): (event: unknown, subscriber: unknown, delivery?: unknown) => Promise<void> {
  const report = (error: unknown): Promise<void> => {
    deps.logger.error({ automation: trigger.id, ...describeError(error) }, 'An automation failed');
    return deps.hooks.doActionIsolated(
      HOOKS.LISTENER_FAILED,
      // A failing failure-listener is only logged: reporting it again could loop.
      (listenerError, hookName) => deps.logger.error({ hook: hookName, ...describeError(listenerError) }, 'A hook listener failed'),
      error,
      HOOKS.TRACK_EVENT_ACTIVITY_DONE,
    );
  };

  const start = async (event: unknown, subscriber: unknown, delivery: unknown): Promise<void> => {
    const facts = matchTrigger(trigger, event, subscriber);
    if (!facts) return;
    if (currentChainDepth() >= MAX_CHAIN_DEPTH) {
      throw new FcrmError(
        'automation_loop',
        `Automation "${trigger.id}" was not started for contact ${facts.subscriberId}: ${MAX_CHAIN_DEPTH} automation runs already enclose this event (an automation that keeps starting itself?)`,
      );
    }
    // In memory, before the query: the event's own value, read from the event the action carries.
    if (trigger.eventConditions && !eventConditionsHold(trigger.eventConditions, (event as { value?: unknown }).value, trigger.eventKey, deps.propertyType)) {
      return;
    }
    if (trigger.conditions && !(await deps.matchesConditions(facts.subscriberId, trigger.conditions))) return;
    const runId = await deps.runs.claim({
      automationId: trigger.id,
      subscriberId: facts.subscriberId,
      eventId: facts.eventId,
      runOnce: !trigger.runMultiple,
      deliveryId: deliveryIdOf(delivery),
    });
    if (runId === null) return;
    deps.onRun?.('started');
    const run = { automationId: trigger.id, subscriberId: Number(facts.subscriberId), runId };
    try {
      await runNested(() =>
        handler({
          automationId: trigger.id,
          event: event as TrackedEventRecord,
          subscriber: subscriber as ContactRecord,
          runId,
          addEvent: (data, fireDone = true) => addEventAction(deps.tracker, facts.subscriberId, data, fireDone),
        }),
      );
    } catch (error) {
      // At most once: the claim stays, the run is marked failed, and the failure is announced.
      await deps.runs
        .finish(runId, 'failed', describeError(error).error)
        .catch((finishError: unknown) => deps.logger.error(describeError(finishError), 'Recording a failed automation run failed'));
      deps.onRun?.('failed');
      throw new AutomationFailedError(run, error);
    }
    await deps.runs.finish(runId, 'completed');
    deps.onRun?.('completed');
  };

  return (event, subscriber, delivery) => deps.inFlight.run(() => start(event, subscriber, delivery).catch(report));
}

/** The outbox delivery id the done action carries (third argument), when it carries one. */
function deliveryIdOf(delivery: unknown): string | null {
  const id = typeof delivery === 'object' && delivery !== null ? (delivery as { id?: unknown }).id : undefined;
  return typeof id === 'string' && /^[0-9]+$/.test(id) ? id : null;
}
