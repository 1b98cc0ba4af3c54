import { toContactRecord } from '../contacts/contactRecord';
import type { InFlight } from '../runtime/inFlight';
import { describeError, type Logger } from '../runtime/logger';
import type { AfterCommitHooks } from '../tracking/afterCommitHooks';
import { toEventRecord } from '../tracking/eventRecord';
import type { OutboxStore } from './outboxStore';

export interface OutboxPollerOptions {
  store: OutboxStore;
  afterCommit: AfterCommitHooks;
  inFlight: InFlight;
  logger: Logger;
  timeZone: string;
  /** How long a claim lasts before another process may deliver the row again. */
  leaseMs: number;
  /** How often to look for rows whose writer never dispatched them. */
  intervalMs: number;
}

const BATCH = 100;

/**
 * At-least-once delivery of done actions: the writer dispatches its own rows right after commit;
 * this poller delivers the rows nobody dispatched (a process died between commit and dispatch),
 * at start-up and then every `intervalMs`, claiming them so that of several processes on one
 * database exactly one delivers each row.
 */
export class OutboxPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: OutboxPollerOptions) {}

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref(); // never keeps a process alive on its own
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Delivers every row that is due now; resolves with how many were delivered. */
  async deliverDue(): Promise<number> {
    const { store, afterCommit, timeZone, leaseMs } = this.options;
    let delivered = 0;
    for (;;) {
      const due = await store.claimExpired(BATCH, leaseMs);
      for (const row of due) {
        await afterCommit.done(
          toEventRecord(row.event, timeZone),
          toContactRecord(row.contact, timeZone),
          { id: row.outboxId, attempt: row.attempt },
          row.traceContext, // continues the trace of the call that recorded it
        );
      }
      await store.markDelivered(due.map((row) => row.outboxId));
      delivered += due.length;
      if (due.length < BATCH) return delivered;
    }
  }

  private tick(): void {
    if (this.running) return; // one pass at a time
    this.running = this.options.inFlight
      // Delivered rows and old idempotency claims are removed by the retention pruner (src/retention).
      .run(async () => {
        await this.deliverDue();
      })
      .catch((error: unknown) => this.options.logger.error(describeError(error), 'Delivering pending done actions failed; will retry'))
      .finally(() => {
        this.running = undefined;
      });
  }
}
