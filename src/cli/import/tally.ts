import type { BatchResult } from '../../api/eventTrackerApi';
import type { ContactBatchResult } from '../../contacts/contactBatch';

/** One item's result: a tracked event's or a contact's. */
export type ImportResult = BatchResult | ContactBatchResult;

/** How many rejected lines the summary lists; the rest are counted. */
export const LISTED_REJECTIONS = 100;

export interface Rejection {
  line: number;
  reason: string;
}

/** The counts of an import and the first rejected lines (by line number). */
export class ImportTally {
  linesRead = 0;
  /** Events stored, or contacts created. */
  stored = 0;
  /** Events replayed (their idempotency key had been applied), or contacts updated (the e-mail was one already). */
  replayed = 0;
  rejected = 0;
  /** At most LISTED_REJECTIONS, the lowest line numbers, in order. */
  readonly listed: Rejection[] = [];

  get handled(): number {
    return this.stored + this.replayed + this.rejected;
  }

  reject(line: number, reason: string): void {
    this.rejected += 1;
    // Batches are written while the next is read, so rejections may arrive slightly out of order.
    if (this.listed.length === LISTED_REJECTIONS && line > this.listed[this.listed.length - 1].line) return;
    let at = this.listed.length;
    while (at > 0 && this.listed[at - 1].line > line) at -= 1;
    this.listed.splice(at, 0, { line, reason });
    if (this.listed.length > LISTED_REJECTIONS) this.listed.pop();
  }

  /** One result for the line it came from. */
  record(line: number, result: ImportResult): void {
    if ('error_code' in result) this.reject(line, `${result.error_code}: ${result.message}`);
    else if ('created' in result ? !result.created : result.replayed) this.replayed += 1;
    else this.stored += 1;
  }
}
