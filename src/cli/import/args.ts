import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_BATCH } from '../../tracking/tracker';
import type { ImportFormat, ImportKind } from './types';

export const USAGE = `Usage: npm run import -- FILE [--format ndjson|csv|json] [--batch 500] [--no-done] [--no-derive-keys]
       npm run import -- --contacts FILE [--format ndjson|csv|json] [--batch 500]

Imports tracked events from FILE, streaming it: NDJSON (one JSON object per line, blank lines
skipped), CSV with a header row (columns event_key, title, value, provider, email, user_id,
subscriber_id, occurred_at, idempotency_key; other columns are ignored, empty cells are missing) or
JSON (one array of objects, read element by element). Tracking never creates a contact: import the
contacts first with --contacts.
Progress goes to stderr; the summary (counts and rejected lines) to stdout.

  --contacts FILE   import contacts instead: columns or keys email (required), first_name, last_name,
                    user_id, status; an existing contact (same e-mail, any case) is updated, fields left
                    out or empty keep their values
  --format F        ndjson, csv or json (default: from the extension: .ndjson .jsonl → ndjson,
                    .csv → csv, .json → json)
  --batch N         events or contacts per call, 1 to ${MAX_BATCH} (default 500)
  --no-done         do not fire fluent_crm/track_event_activity_done for the imported events
  --no-derive-keys  lines without idempotency_key get none (then a re-import counts them again)
  --help            show this help

A relative FILE is found from the folder you ran npm in (npm's INIT_CWD), not the package's.

An event line without idempotency_key gets "import:" + SHA-256 of its canonical JSON (":N" for the
N-th identical line), so importing the same file again within the idempotency retention window
(default 24 h) changes nothing. Importing contacts again updates them to the same values.

Exit codes: 0 the import ran (also when lines were rejected), 1 a fatal error, 2 bad arguments.

Database (the same as the server's):
  DATABASE_URL    PostgreSQL URL; without it, the embedded database in FCRM_DATA_DIR (default ./.fcrm-data,
                  in the package's folder, where npm start keeps it too)
  FCRM_SCHEMA     PostgreSQL schema of the tables (default public)
`;

/** What a usage error prints after its one line, instead of the whole usage. */
export const HELP_HINT = 'Run "npm run import -- --help" for the options.\n';

export interface ImportArgs {
  kind: ImportKind;
  file: string;
  format: ImportFormat;
  batchSize: number;
  fireDone: boolean;
  deriveKeys: boolean;
}

export class UsageError extends Error {}

const EXTENSIONS: Record<string, ImportFormat> = { '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.csv': 'csv', '.json': 'json' };

export function parseImportArgs(argv: string[]): ImportArgs | 'help' {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const contacts = values.contacts;
  if (contacts !== undefined) {
    if (positionals.length > 0) throw new UsageError('give either FILE (events) or --contacts FILE, not both: import the contacts first, then the events');
    if (contacts === '') throw new UsageError('--contacts needs a FILE');
    for (const option of ['no-done', 'no-derive-keys'] as const) {
      if (values[option]) throw new UsageError(`--${option} applies to events, not to --contacts`);
    }
  } else if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'FILE is required (or --contacts FILE)' : `one FILE only, not ${positionals.length}`);
  }
  const file = contacts ?? positionals[0];
  return {
    kind: contacts !== undefined ? 'contacts' : 'events',
    file,
    format: formatOf(values.format, file),
    batchSize: batchSizeOf(values.batch),
    fireDone: !values['no-done'],
    deriveKeys: !values['no-derive-keys'],
  };
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      contacts: { type: 'string' },
      format: { type: 'string' },
      batch: { type: 'string' },
      'no-done': { type: 'boolean' },
      'no-derive-keys': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
}

function formatOf(given: string | undefined, file: string): ImportFormat {
  if (given !== undefined) {
    if (given === 'ndjson' || given === 'csv' || given === 'json') return given;
    throw new UsageError(`--format must be "ndjson", "csv" or "json", not "${given}"`);
  }
  const format = EXTENSIONS[extname(file).toLowerCase()];
  if (!format) throw new UsageError(`cannot tell the format of "${file}" from its extension: pass --format ndjson, csv or json`);
  return format;
}

function batchSizeOf(given: string | undefined): number {
  if (given === undefined) return 500;
  const n = /^\d{1,7}$/.test(given) ? Number(given) : NaN;
  if (!(n >= 1 && n <= MAX_BATCH)) throw new UsageError(`--batch must be a whole number from 1 to ${MAX_BATCH}, not "${given}"`);
  return n;
}
