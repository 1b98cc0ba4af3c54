import { FcrmError } from '../errors';

/**
 * An automation's handler threw or rejected. Announced on `fluent_crm/listener_failed` (the hook
 * name alone would not say which automation failed) with the handler's error as `cause`.
 */
export class AutomationFailedError extends FcrmError {
  readonly automationId: string;
  readonly subscriberId: number;
  readonly runId: number;
  override readonly cause: unknown;

  constructor(run: { automationId: string; subscriberId: number; runId: number }, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('automation_failed', `Automation "${run.automationId}" failed for contact ${run.subscriberId} (run ${run.runId}): ${reason}`);
    this.name = 'AutomationFailedError';
    this.automationId = run.automationId;
    this.subscriberId = run.subscriberId;
    this.runId = run.runId;
    this.cause = cause;
  }
}
