import { HOOKS } from '../../hooks/hookNames';
import type { HookRegistry } from '../../hooks/registry';
import type { ContactRecord } from '../contacts/contactRecord';
import { describeError, type Logger } from '../runtime/logger';
import type { TrackedEventRecord } from './eventRecord';

/**
 * Fires the hooks that follow a committed event: `fluent_crm/event_tracked` always, then
 * `fluent_crm/track_event_activity_done` when asked. Each listener runs even if an earlier one
 * failed; a failure is logged and announced on `fluent_crm/listener_failed(error, hookName)`, never
 * thrown back, so it can neither undo the stored row nor silence the other listeners.
 */
export class AfterCommitHooks {
  constructor(
    private readonly hooks: HookRegistry,
    private readonly logger: Logger,
  ) {}

  async fire(event: TrackedEventRecord, subscriber: ContactRecord, fireDone: boolean): Promise<void> {
    const reports: Array<Promise<void>> = [];
    const onError = (error: unknown, hookName: string): void => {
      this.logger.error({ hook: hookName, ...describeError(error) }, 'A hook listener failed');
      // A failing failure-listener is only logged: reporting it again could loop.
      if (hookName !== HOOKS.LISTENER_FAILED) {
        reports.push(this.hooks.doActionIsolated(HOOKS.LISTENER_FAILED, onError, error, hookName));
      }
    };
    await this.hooks.doActionIsolated(HOOKS.EVENT_TRACKED, onError, event, subscriber);
    if (fireDone) await this.hooks.doActionIsolated(HOOKS.TRACK_EVENT_ACTIVITY_DONE, onError, event, subscriber);
    await Promise.all(reports);
  }
}
