import type { ImportResult } from './tally';
import { KeyDeriver } from './deriveKey';
import { ImportTally } from './tally';
import type { ImportRecord } from './types';

export interface RunImportOptions {
  records: AsyncIterable<ImportRecord>;
  /** Where the counts go (default a new one): the caller can report it after a fatal error too. */
  tally?: ImportTally;
  /** Writes one batch, one result per item: `api('event_tracker').trackMany(events, fireDone)` or `api('contacts').createOrUpdateMany`. */
  send(items: Array<Record<string, unknown>>): Promise<ImportResult[]>;
  batchSize: number;
  /** Give lines without an idempotency_key a derived one (re-imports change nothing). */
  deriveKeys: boolean;
  /** Called after every batch and rejected line, with the running tally. */
  onProgress?(tally: ImportTally): void;
  /** Checked between batches: true stops reading (Ctrl+C); what was read is still sent. */
  stopRequested?(): boolean;
}

type Pending = { line: number; data: Record<string, unknown> };

/**
 * Reads records and sends them in batches, one batch in flight while the next is read, so the
 * database and the parser work at the same time; batches are written in file order.
 */
export async function runImport(options: RunImportOptions): Promise<{ tally: ImportTally; complete: boolean }> {
  const tally = options.tally ?? new ImportTally();
  const keys = options.deriveKeys ? new KeyDeriver() : null;
  let inFlight: Promise<void> | undefined;

  const send = async (batch: Pending[]): Promise<void> => {
    const results = await options.send(batch.map(({ data }) => data));
    results.forEach((result, i) => tally.record(batch[i].line, result));
    options.onProgress?.(tally);
  };
  const dispatch = async (batch: Pending[]): Promise<void> => {
    await inFlight;
    inFlight = send(batch);
    inFlight.catch(() => undefined); // observed when awaited; never an unhandled rejection meanwhile
  };

  let batch: Pending[] = [];
  let complete = true;
  for await (const record of options.records) {
    tally.linesRead += 1;
    if ('rejected' in record) {
      tally.reject(record.line, record.rejected);
      options.onProgress?.(tally);
      continue;
    }
    batch.push({ line: record.line, data: prepared(record.data, keys) });
    if (batch.length >= options.batchSize) {
      await dispatch(batch);
      batch = [];
      if (options.stopRequested?.()) {
        complete = false;
        break;
      }
    }
  }
  if (batch.length > 0) await dispatch(batch);
  await inFlight;
  return { tally, complete };
}

/** A file is data, never an in-process contact: `subscriber` goes; a derived key comes when none is given. */
function prepared(data: Record<string, unknown>, keys: KeyDeriver | null): Record<string, unknown> {
  const { subscriber: _ignored, ...event } = data;
  const given = event.idempotency_key;
  if (keys && (given === undefined || given === null || given === '')) event.idempotency_key = keys.derive(event);
  return event;
}
