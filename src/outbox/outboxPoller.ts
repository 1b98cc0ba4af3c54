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
  /** How long delivered rows and idempotency keys are kept. */
  retentionMs: number;
  /** A JetStream relay is configured: never purge rows it has not relayed. */
  keepUnrelayed?: boolean;
}

const BATCH = 100;
const PURGE_EVERY_MS = 10 * 60_000;

/**
 * At-least-once delivery of done actions: the writer dispatches its own rows right after commit;
 * this poller delivers the rows nobody dispatched (a process died between commit and dispatch),
 * at start-up and then every `intervalMs`, claiming them so that of several processes on one
 * database exactly one delivers each row.
 */
export class OutboxPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastPurge = 0;

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
        await afterCommit.done(toEventRecord(row.event, timeZone), toContactRecord(row.contact, timeZone), {
          id: row.outboxId,
          attempt: row.attempt,
        });
      }
      await store.markDelivered(due.map((row) => row.outboxId));
      delivered += due.length;
      if (due.length < BATCH) return delivered;
    }
  }

  private tick(): void {
    if (this.running) return; // one pass at a time
    this.running = this.options.inFlight
      .run(async () => {
        await this.deliverDue();
        if (Date.now() - this.lastPurge > PURGE_EVERY_MS) {
          this.lastPurge = Date.now();
          await this.options.store.purge(this.options.retentionMs, this.options.keepUnrelayed);
        }
      })
      .catch((error: unknown) => this.options.logger.error(describeError(error), 'Delivering pending done actions failed; will retry'))
      .finally(() => {
        this.running = undefined;
      });
  }
}
