import { Webhook } from 'standardwebhooks';
import { describeError, type Logger } from '../runtime/logger';
import { nextDelayMs, type RetrySchedule } from './backoff';
import type { ClaimedWebhookDelivery, WebhookStore } from './webhookStore';
import { webhookUrlProblem } from './webhookUrl';

export interface DispatcherOptions {
  store: WebhookStore;
  logger: Logger;
  retry: RetrySchedule;
  /** How often to look for due deliveries. */
  pollIntervalMs: number;
  /** Per request: a receiver that has not answered by then counts as a failure. */
  timeoutMs: number;
  /** Requests in flight at once (per process). */
  concurrency: number;
  /** Delivered and failed rows are deleted this long after their last attempt. */
  retentionMs: number;
}

const PURGE_EVERY_MS = 10 * 60_000;

const MAX_ERROR_LENGTH = 500;

/**
 * Sends queued webhook deliveries: claims due rows (several processes share the queue), POSTs each
 * signed per Standard Webhooks, records the outcome and schedules a retry. Runs on its own timer,
 * never on the ingest path, so a slow or dead receiver costs only this loop's own time.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly aborts = new AbortController();
  private lastPurge = 0;

  constructor(private readonly options: DispatcherOptions) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.pollIntervalMs);
    this.timer.unref();
  }

  /** Stops polling and aborts requests in flight (their rows are due again when the claim lease ends). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.aborts.abort();
    await this.running;
  }

  /** Looks for due deliveries now (e.g. right after enqueueing), unless a pass is already running. */
  wake(): void {
    if (this.timer) this.tick();
  }

  /** Sends every delivery due now; resolves with how many were attempted. */
  async sendDue(): Promise<number> {
    const { store, concurrency, timeoutMs } = this.options;
    let attempted = 0;
    while (!this.stopped) {
      // The lease outlasts the request, so nobody else sends the row while this process does.
      const due = await store.claimDue(concurrency, timeoutMs + 30_000);
      await Promise.all(due.map((delivery) => this.send(delivery)));
      attempted += due.length;
      if (due.length < concurrency) break;
    }
    return attempted;
  }

  private tick(): void {
    if (this.running || this.stopped) return;
    const pass = this.sendDue()
      .then(async () => {
        if (Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
        this.lastPurge = Date.now();
        await this.options.store.purgeFinished(this.options.retentionMs);
      })
      .catch((error: unknown) => this.options.logger.error(describeError(error), 'Sending webhook deliveries failed; will retry'))
      .finally(() => {
        this.running = undefined;
      });
    this.running = pass;
  }

  private async send(delivery: ClaimedWebhookDelivery): Promise<void> {
    const outcome = await this.post(delivery);
    if (this.stopped && outcome.error === 'aborted') return; // shutting down: the lease hands it on
    if (outcome.ok) {
      await this.options.store.record(delivery.id, { state: 'delivered', status: outcome.status, error: null, retryInMs: null });
      return;
    }
    const retryInMs = nextDelayMs(this.options.retry, delivery.attempts, delivery.ageMs);
    await this.options.store.record(delivery.id, {
      state: retryInMs === null ? 'failed' : 'pending',
      status: outcome.status,
      error: outcome.error?.slice(0, MAX_ERROR_LENGTH) ?? null,
      retryInMs,
    });
  }

  private async post(delivery: ClaimedWebhookDelivery): Promise<{ ok: boolean; status: number | null; error: string | null }> {
    // Only the registered URL, and only if it is still allowed (the rule is checked again at each send).
    const problem = webhookUrlProblem(delivery.url);
    if (problem) return { ok: false, status: null, error: `not sent: ${problem}` };
    const body = JSON.stringify({ delivery: { id: delivery.deliveryId, attempt: delivery.attempts }, ...delivery.payload });
    const now = new Date();
    const signature = new Webhook(delivery.secret).sign(delivery.deliveryId, now, body);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'fcrm-event-tracking-webhooks',
          'webhook-id': delivery.deliveryId,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body,
        // A redirect could point anywhere (SSRF): it is a failure, never followed.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), this.aborts.signal]),
      });
      // The answer's body is never read: only the status matters.
      await response.body?.cancel().catch(() => undefined);
      const ok = response.status >= 200 && response.status < 300;
      return { ok, status: response.status, error: ok ? null : `HTTP ${response.status}` };
    } catch (error) {
      if (this.aborts.signal.aborted) return { ok: false, status: null, error: 'aborted' };
      const name = (error as Error)?.name;
      if (name === 'TimeoutError') return { ok: false, status: null, error: `no answer within ${this.options.timeoutMs} ms` };
      const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
      return { ok: false, status: null, error: cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error) };
    }
  }
}
