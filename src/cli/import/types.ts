/** One line (NDJSON) or record (CSV) of an import file: the event to track, or why it cannot be. */
export type ImportRecord =
  | { line: number; data: Record<string, unknown> }
  | { line: number; rejected: string };

export type ImportFormat = 'ndjson' | 'csv' | 'json';

/** What a file holds: tracked events (FILE) or contacts (--contacts FILE). */
export type ImportKind = 'events' | 'contacts';

/** A fatal problem with the file as a whole (not one line): the import stops, exit code 1. */
export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
}
