import { splitLines } from './splitLines';
import type { ImportRecord } from './types';

/** A line this long is no event (a value is at most 65,535 bytes): reported and skipped. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** NDJSON: one JSON object per line; blank lines are skipped (they are not counted as read). */
export async function* ndjsonRecords(chunks: AsyncIterable<Buffer>): AsyncGenerator<ImportRecord> {
  for await (const physical of splitLines(chunks, MAX_LINE_BYTES)) {
    const { line } = physical;
    if ('tooLong' in physical) {
      yield { line, rejected: `malformed line: longer than ${MAX_LINE_BYTES} bytes` };
      continue;
    }
    if (physical.text.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(physical.text);
    } catch (error) {
      yield { line, rejected: `malformed JSON: ${(error as Error).message}` };
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      yield { line, rejected: `malformed line: a JSON object is expected, not ${kindOf(parsed)}` };
      continue;
    }
    yield { line, data: parsed as Record<string, unknown> };
  }
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}
