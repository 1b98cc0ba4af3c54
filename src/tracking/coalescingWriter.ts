import type { EventWrite, WriteOutcome } from './eventWriter';

/** What the tracker writes through: one statement per call, or several calls per statement. */
export interface EventWriting {
  write(items: EventWrite[]): Promise<WriteOutcome[]>;
}

interface Submission {
  items: EventWrite[];
  resolve: (outcomes: WriteOutcome[]) => void;
  reject: (error: unknown) => void;
}

export interface CoalescingOptions {
  /** Statements in flight at once; further calls wait and are written together. */
  maxConcurrent: number;
  /** The most items one combined statement carries. */
  maxItems: number;
}

/**
 * Group commit for tracking calls. On an idle system a call is written at once, alone, so it
 * keeps its latency; while `maxConcurrent` statements are in flight, the calls that arrive queue
 * up and the next free slot writes them all in one statement (distinct rows as one multi-row
 * upsert, repeats pre-aggregated into counter + n). The statement numbers every item's occurrence,
 * so each caller still receives the row state its own increment produced.
 *
 * If a combined statement fails, each call in it is written again on its own, so one caller's
 * problem (a contact deleted meanwhile) never fails the others.
 */
export class CoalescingWriter implements EventWriting {
  private readonly queue: Submission[] = [];
  private inFlight = 0;

  constructor(
    private readonly inner: EventWriting,
    private readonly options: CoalescingOptions,
  ) {}

  write(items: EventWrite[]): Promise<WriteOutcome[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxConcurrent && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.inFlight += 1;
      void this.flush(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  /**
   * The oldest calls, up to maxItems items (a single larger call goes alone). One splice per batch:
   * shift() per call is linear on a queue of thousands, which made taking batches quadratic.
   */
  private takeBatch(): Submission[] {
    let count = 1;
    let size = this.queue[0].items.length;
    while (count < this.queue.length && size + this.queue[count].items.length <= this.options.maxItems) {
      size += this.queue[count].items.length;
      count += 1;
    }
    return this.queue.splice(0, count);
  }

  private async flush(batch: Submission[]): Promise<void> {
    if (batch.length === 1) {
      await this.inner.write(batch[0].items).then(batch[0].resolve, batch[0].reject);
      return;
    }
    let outcomes: WriteOutcome[];
    try {
      outcomes = await this.inner.write(batch.flatMap((submission) => submission.items));
    } catch {
      await Promise.all(batch.map((submission) => this.inner.write(submission.items).then(submission.resolve, submission.reject)));
      return;
    }
    let offset = 0;
    for (const submission of batch) {
      submission.resolve(outcomes.slice(offset, offset + submission.items.length));
      offset += submission.items.length;
    }
  }
}
