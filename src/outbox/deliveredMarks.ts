import type { InFlight } from '../runtime/inFlight';
import { describeError, type Logger } from '../runtime/logger';
import type { OutboxStore } from './outboxStore';

/**
 * Records "delivered" for done actions without making callers wait: ids are buffered and written
 * by one UPDATE at a time, everything that arrived meanwhile in the next one. A mark lost to a
 * crash only means the poller delivers that done action once more (at least once, as promised),
 * so the caller's latency need not include it. `drain()` waits for pending marks.
 */
export class DeliveredMarks {
  private pending: string[] = [];
  private writing = false;

  constructor(
    private readonly store: OutboxStore,
    private readonly inFlight: InFlight,
    private readonly logger: Logger,
  ) {}

  add(ids: string[]): void {
    if (ids.length === 0) return;
    this.pending.push(...ids);
    if (!this.writing) void this.inFlight.run(() => this.writeAll());
  }

  private async writeAll(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        const ids = this.pending;
        this.pending = [];
        await this.store.markDelivered(ids).catch((error: unknown) => {
          this.logger.error(describeError(error), 'Could not mark done actions delivered; they will be delivered again');
        });
      }
    } finally {
      this.writing = false;
    }
  }
}
