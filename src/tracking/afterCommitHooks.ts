import { HOOKS } from '../../hooks/hookNames';
import type { Delivery } from '../../hooks/hookMap';
import type { HookRegistry } from '../../hooks/registry';
import type { ContactRecord } from '../contacts/contactRecord';
import { describeError, type Logger } from '../runtime/logger';
import { UNINSTRUMENTED, type DoneInstrument } from '../ops/doneInstrument';
import type { TrackedEventRecord } from './eventRecord';

const SETTLED: Promise<void> = Promise.resolve();
const nothing = (): void => undefined;

/**
 * Fires the hooks that follow a committed event: `fluent_crm/event_tracked(event, subscriber)`
 * for a new occurrence, and `fluent_crm/track_event_activity_done(event, subscriber, delivery)`
 * for a done action. Each listener runs even if an earlier one failed; a failure is logged and
 * announced on `fluent_crm/listener_failed(error, hookName)`, never thrown back, so it can neither
 * undo the stored row nor silence the other listeners.
 */
export class AfterCommitHooks {
  constructor(
    private readonly hooks: HookRegistry,
    private readonly logger: Logger,
    /** Times (and traces) every done action's dispatch. */
    private readonly instrument: DoneInstrument = UNINSTRUMENTED,
  ) {}

  /**
   * The done action alone: a delivery by the recovery poller (the writer's own go through written()),
   * in the trace of the call that recorded it when `traceContext` names one.
   */
  done(event: TrackedEventRecord, subscriber: ContactRecord, delivery: Delivery, traceContext?: string | null): Promise<void> {
    return this.instrument.run(delivery, traceContext, () => this.isolated(HOOKS.TRACK_EVENT_ACTIVITY_DONE, event, subscriber, delivery)) ?? SETTLED;
  }

  /**
   * What follows one written event: `event_tracked`, then (with a delivery) the done action once the
   * first hook's listeners have finished. Undefined when no listener left anything to wait for, so
   * a batch of 1,000 events without async listeners costs no promise per event.
   */
  written(event: TrackedEventRecord, subscriber: ContactRecord, delivery: Delivery | null): Promise<void> | undefined {
    const tracked = this.isolated(HOOKS.EVENT_TRACKED, event, subscriber);
    if (!delivery) return tracked;
    const done = () => this.instrument.run(delivery, undefined, () => this.isolated(HOOKS.TRACK_EVENT_ACTIVITY_DONE, event, subscriber, delivery));
    return tracked ? tracked.then(done) : done();
  }

  private isolated(hook: string, ...args: unknown[]): Promise<void> | undefined {
    // Nobody listens: nothing can fail, so skip the isolation machinery (two of these run per event);
    // the plain dispatch still counts the run for didAction().
    if (!this.hooks.hasAction(hook)) {
      this.hooks.doAction(hook, ...args);
      return undefined;
    }
    return this.isolatedDispatch(hook, args);
  }

  private isolatedDispatch(hook: string, args: unknown[]): Promise<void> {
    let reports: Array<Promise<void>> | undefined;
    const onError = (error: unknown, hookName: string): void => {
      this.logger.error({ hook: hookName, ...describeError(error) }, 'A hook listener failed');
      // A failing failure-listener is only logged: reporting it again could loop.
      if (hookName !== HOOKS.LISTENER_FAILED) {
        (reports ??= []).push(this.hooks.doActionIsolated(HOOKS.LISTENER_FAILED, onError, error, hookName));
      }
    };
    // Settles once the listeners and any failure reports they caused have finished.
    return this.hooks.doActionIsolated(hook, onError, ...args).then(() => (reports ? Promise.all(reports).then(nothing) : undefined));
  }
}
