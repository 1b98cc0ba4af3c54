import { HOOKS } from '../../hooks/hookNames';
import { FcrmError } from '../errors';
import { parseTrigger, type ConditionsParser, type EventRecordedTrigger } from './definition';
import { createEventRecordedListener, type ListenerDeps } from './eventRecordedListener';
import type { AutomationHandler } from './handler';

/** `rt.automations`: event-recorded automations and the condition check they use. */
export interface Automations {
  /**
   * Registers an automation on `fluent_crm/track_event_activity_done`; throws FcrmError
   * (`invalid_automation`) for a bad definition or an id already registered. Returns a function
   * that unregisters it (its recorded runs stay).
   */
  onEventRecorded(trigger: EventRecordedTrigger, handler: AutomationHandler): () => void;
  /** Whether the contact matches advanced-filter groups (ORed groups of ANDed items); empty = true. */
  checkConditions(subscriberId: number | string, groups: unknown, now?: Date): Promise<boolean>;
  /** The ids of the automations registered now. */
  ids(): string[];
}

export interface AutomationsDeps extends Omit<ListenerDeps, 'matchesConditions'> {
  checkConditions(subscriberId: number | string, groups: unknown, now?: Date): Promise<boolean>;
  /** The filter engine's parser, so a bad condition fails at registration. */
  parseConditions: ConditionsParser;
}

export const AUTOMATION_NAMESPACE_PREFIX = 'fcrm-event-tracking/automation/';

/** The registry behind `rt.automations`; `close()` unregisters everything and refuses new ones. */
export function createAutomations(deps: AutomationsDeps): { automations: Automations; close(): void } {
  const registered = new Map<string, () => void>();
  const listenerDeps: ListenerDeps = {
    ...deps,
    matchesConditions: (subscriberId, groups) => deps.checkConditions(subscriberId, groups),
  };
  let closed = false;

  const automations: Automations = {
    onEventRecorded(definition, handler) {
      if (closed) throw new FcrmError('runtime_closed', 'The runtime is closed: automations can no longer be registered.');
      if (typeof handler !== 'function') throw new FcrmError('invalid_automation', 'Invalid automation: the handler must be a function.');
      const trigger = parseTrigger(definition, deps.parseConditions);
      if (registered.has(trigger.id)) {
        throw new FcrmError('invalid_automation', `Invalid automation: the id "${trigger.id}" is already registered in this runtime.`);
      }
      const namespace = AUTOMATION_NAMESPACE_PREFIX + trigger.id;
      deps.hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, namespace, createEventRecordedListener(trigger, handler, listenerDeps));
      const unregister = (): void => {
        // Only the registration this function made: a later one under the same id is not ours.
        if (registered.get(trigger.id) !== unregister) return;
        registered.delete(trigger.id);
        deps.hooks.removeAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, namespace);
      };
      registered.set(trigger.id, unregister);
      return unregister;
    },
    checkConditions: (subscriberId, groups, now) => deps.checkConditions(subscriberId, groups, now),
    ids: () => [...registered.keys()],
  };

  return {
    automations,
    close() {
      closed = true;
      for (const unregister of [...registered.values()]) unregister();
    },
  };
}
