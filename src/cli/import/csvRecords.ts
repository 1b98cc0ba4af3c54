import { Readable } from 'node:stream';
import { parse, type CsvError, type Info } from 'csv-parse';
import { crlfToLf } from './crlf';
import { ImportFileError, type ImportRecord } from './types';

/** Which columns a CSV file's rows are read from, and which of them the header must have. */
export interface CsvColumns {
  columns: readonly string[];
  required: readonly string[];
}

/** The columns taken from an events CSV file; any other column is ignored. */
export const CSV_COLUMNS = [
  'event_key',
  'title',
  'value',
  'provider',
  'email',
  'user_id',
  'subscriber_id',
  'occurred_at',
  'idempotency_key',
] as const;

export const EVENT_CSV: CsvColumns = { columns: CSV_COLUMNS, required: ['event_key', 'title'] };

/** The columns of a contacts CSV file (`--contacts`). */
export const CONTACT_CSV: CsvColumns = { columns: ['email', 'first_name', 'last_name', 'user_id', 'status'], required: ['email'] };

/** Larger than any valid record (a value is at most 65,535 bytes); guards against an unclosed quote. */
const MAX_RECORD_BYTES = 4 * 1024 * 1024;

type ParsedRow = { record: string[]; raw: string; info: Info };

/**
 * CSV (RFC 4180) with a header row, through csv-parse. A row becomes the event of its known,
 * non-empty cells (an empty cell is a missing field). A row with another number of fields than the
 * header, or a quote never closed, is rejected with the line it starts on.
 */
export async function* csvRecords(chunks: AsyncIterable<Buffer>, spec: CsvColumns = EVENT_CSV): AsyncGenerator<ImportRecord> {
  const skipped: ImportRecord[] = [];
  let fatal: ImportFileError | null = null;
  const parser = parse({
    bom: true,
    info: true,
    raw: true,
    record_delimiter: '\n',
    relax_quotes: true, // a stray quote inside a field is text, as spreadsheets write it
    relax_column_count: true, // checked here, so the line is rejected with a clear reason
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    on_skip: (error: CsvError | undefined, raw: string | undefined) => {
      if (!error) return undefined;
      const line = startLine(Number(error.lines ?? 0), raw ?? '');
      if (error.code === 'CSV_MAX_RECORD_SIZE') {
        // csv-parse stops after this error: report it instead of silently losing the rest.
        fatal = new ImportFileError(`line ${line}: a CSV record longer than ${MAX_RECORD_BYTES} bytes (an unclosed quote?); the import stopped there`);
      } else if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
        skipped.push({ line, rejected: `malformed CSV: a quoted field is never closed; lines ${line} to ${error.lines} were read as one record` });
      } else {
        skipped.push({ line, rejected: `malformed CSV: ${error.message}` });
      }
      return undefined;
    },
  });
  const source = Readable.from(crlfToLf(chunks));
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);

  let header: Array<string | null> | null = null;
  try {
    for await (const row of parser as AsyncIterable<ParsedRow>) {
      yield* skipped.splice(0);
      if (!header) {
        header = headerColumns(row.record, spec);
        continue;
      }
      const line = startLine(row.info.lines, row.raw);
      if (row.record.length !== header.length) {
        yield { line, rejected: `malformed CSV: ${row.record.length} fields, the header has ${header.length}` };
        continue;
      }
      yield { line, data: eventOf(header, row.record) };
    }
    if (fatal) throw fatal;
    yield* skipped.splice(0);
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** Known column names (trimmed, any case) in place; null for columns to ignore. */
function headerColumns(names: string[], spec: CsvColumns): Array<string | null> {
  const known = new Set<string>(spec.columns);
  const columns = names.map((name) => name.trim().toLowerCase()).map((name) => (known.has(name) ? name : null));
  const missing = spec.required.filter((name) => !columns.includes(name));
  if (missing.length > 0) {
    const wanted = spec.required.length === 1 ? `the column ${spec.required[0]}` : `the columns ${spec.required.join(' and ')}`;
    throw new ImportFileError(`the CSV header row must have ${wanted} (missing: ${missing.join(', ')}); it has: ${names.join(', ')}`);
  }
  const repeated = columns.find((name, i) => name !== null && columns.indexOf(name) !== i);
  if (repeated) throw new ImportFileError(`the CSV header row names the column ${repeated} twice`);
  return columns;
}

function eventOf(header: Array<string | null>, cells: string[]): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  header.forEach((column, i) => {
    if (column !== null && cells[i] !== '') data[column] = cells[i];
  });
  return data;
}

/** csv-parse reports the line a record ends on; a quoted field may span lines, and blank lines precede. */
function startLine(endLine: number, raw: string): number {
  const body = raw.replace(/^\n+/, '').replace(/\n$/, '');
  let inner = 0;
  for (let i = body.indexOf('\n'); i !== -1; i = body.indexOf('\n', i + 1)) inner += 1;
  return endLine - inner;
}
