import { ImportFileError, type ImportRecord } from './types';

/** An element this long is no event or contact (a value is at most 65,535 bytes): reported and skipped. */
export const MAX_ELEMENT_BYTES = 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const NEWLINE = 0x0a;

const BOM = [0xef, 0xbb, 0xbf];

const isSpace = (byte: number) => byte === 0x20 || byte === 0x09 || byte === NEWLINE || byte === 0x0d;

/**
 * A `.json` file holding one array of objects, streamed: the array is split into its elements
 * (strings and nesting tracked byte by byte; UTF-8 continuation bytes never look like JSON's
 * punctuation), and each element is parsed alone, so memory holds one element at a time, never the
 * file. An element that is not valid JSON or not an object is rejected with the line it starts on,
 * like an NDJSON line; a file that is not an array, or ends inside it, is a fatal error.
 */
export async function* jsonArrayRecords(chunks: AsyncIterable<Buffer>): AsyncGenerator<ImportRecord> {
  let state: 'before' | 'inside' | 'after' = 'before';
  let line = 1;
  let bomAt = 0; // bytes of a leading byte-order mark seen (it may be split across chunks); -1: none can follow
  // The current element.
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let started = false; // a non-space byte of it was seen
  let startLine = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let elements = 0;
  let commaPending = false; // a comma was read and no element has followed it yet

  const take = (chunk: Buffer, from: number, to: number) => {
    if (tooLong || to <= from) return;
    size += to - from;
    if (size > MAX_ELEMENT_BYTES) {
      tooLong = true;
      parts = [];
    } else {
      parts.push(chunk.subarray(from, to));
    }
  };
  const finish = (): ImportRecord | null => {
    const record = started ? parsed(startLine, tooLong ? null : Buffer.concat(parts).toString('utf8')) : null;
    parts = [];
    size = 0;
    tooLong = false;
    started = false;
    depth = 0;
    if (record) elements += 1;
    return record;
  };

  for await (const chunk of chunks) {
    let i = 0;
    let from = -1; // where the current element's bytes start in this chunk
    if (state === 'inside' && started) from = i;
    for (; i < chunk.length; i += 1) {
      const byte = chunk[i];
      if (state === 'before') {
        if (bomAt >= 0 && bomAt < BOM.length && byte === BOM[bomAt]) {
          bomAt += 1;
          continue;
        }
        bomAt = -1;
        if (byte === NEWLINE) line += 1;
        if (isSpace(byte)) continue;
        if (byte !== OPEN_BRACKET) {
          throw new ImportFileError(`line ${line}: a .json file must hold one JSON array of objects, [{…}, {…}]; it starts with ${JSON.stringify(String.fromCharCode(byte))}`);
        }
        state = 'inside';
        continue;
      }
      if (state === 'after') {
        if (byte === NEWLINE) line += 1;
        if (!isSpace(byte)) throw new ImportFileError(`line ${line}: text after the end of the JSON array`);
        continue;
      }
      if (inString) {
        if (!escaped && byte !== QUOTE && byte !== BACKSLASH) {
          // Most of a file is string text: jump to the next quote or backslash, counting line breaks.
          const quote = chunk.indexOf(QUOTE, i);
          const backslash = chunk.indexOf(BACKSLASH, i);
          const stop = quote === -1 ? (backslash === -1 ? chunk.length : backslash) : backslash === -1 ? quote : Math.min(quote, backslash);
          for (let n = chunk.indexOf(NEWLINE, i); n !== -1 && n < stop; n = chunk.indexOf(NEWLINE, n + 1)) line += 1;
          i = stop - 1;
          continue;
        }
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) inString = false;
        continue;
      }
      const endsElement = depth === 0 && (byte === COMMA || byte === CLOSE_BRACKET);
      if (endsElement) {
        if (from >= 0) take(chunk, from, i);
        from = -1;
        const hadElement = started;
        const record = finish();
        if (record) yield record;
        if (!hadElement && (byte === COMMA || commaPending)) {
          yield { line, rejected: 'malformed JSON: an empty array element (two commas in a row, or a comma before the ] or the first element)' };
        }
        commaPending = byte === COMMA;
        if (byte === CLOSE_BRACKET) state = 'after';
        continue;
      }
      if (byte === NEWLINE) line += 1;
      if (!started) {
        if (isSpace(byte)) continue;
        started = true;
        startLine = line;
        from = i;
      }
      if (byte === QUOTE) inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth += 1;
      else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && depth > 0) depth -= 1;
    }
    if (from >= 0) take(chunk, from, chunk.length);
  }

  if (state === 'before') throw new ImportFileError('the file holds no JSON array: a .json file must hold one array of objects, [{…}, {…}]');
  if (state === 'inside') {
    const record = finish();
    if (record) yield record;
    throw new ImportFileError(`the JSON array is not closed: the file ends (line ${line}) before its ] after ${elements} elements; is it cut short?`);
  }
}

function parsed(line: number, text: string | null): ImportRecord {
  if (text === null) return { line, rejected: `malformed element: longer than ${MAX_ELEMENT_BYTES} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { line, rejected: `malformed JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { line, rejected: `malformed element: a JSON object is expected, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}` };
  }
  return { line, data: value as Record<string, unknown> };
}
