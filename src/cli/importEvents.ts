import { stat } from 'node:fs/promises';
import { HELP_HINT, parseImportArgs, UsageError, USAGE, type ImportArgs } from './import/args';
import { readCounted } from './import/countedFile';
import { CONTACT_CSV, csvRecords, EVENT_CSV } from './import/csvRecords';
import { resolveInputPath } from './import/inputPath';
import { jsonArrayRecords } from './import/jsonArrayRecords';
import { ndjsonRecords } from './import/ndjsonRecords';
import { ProgressReporter } from './import/progress';
import { runImport } from './import/runImport';
import { formatSummary } from './import/summary';
import { ImportTally } from './import/tally';
import { ImportFileError, type ImportRecord } from './import/types';
import { withEntrance } from '../ops/entrance';

/**
 * `npm run import -- FILE [--format ndjson|csv|json] [--batch 500] [--no-done] [--no-derive-keys]`:
 * streams tracked events from a file into `api('event_tracker').trackMany`; with `--contacts FILE`,
 * contacts into `api('contacts').createOrUpdateMany`. Exit codes: 0 the import ran (rejected lines
 * included), 1 a fatal error, 2 bad arguments (one line and a hint to --help on stderr).
 */
async function main(argv: string[]): Promise<number> {
  let args: ImportArgs | 'help';
  let size: number;
  let path: string;
  try {
    args = parseImportArgs(argv);
    if (args === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    path = resolveInputPath(args.file);
    size = await fileSize(args.file, path);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // One line that says what is wrong; the whole usage would bury it.
    process.stderr.write(`import: ${error.message}\n${HELP_HINT}`);
    return 2;
  }

  // Loaded only now, so a usage error answers at once instead of after loading TypeORM.
  const { createEventTracking } = await import('../createEventTracking');
  const runtime = await createEventTracking({
    // Only the schema is ours to choose; URL and data folder come from the environment, as for the server.
    schema: process.env.FCRM_SCHEMA?.trim() || undefined,
    poolSize: 2,
    logger: stderrLogger,
    // A tool process: its done actions are recorded for the server to deliver, and it never takes the server's.
    outbox: { deliver: false },
  });
  const file = readCounted(path);
  const progress = new ProgressReporter(process.stderr, { totalBytes: size, tty: process.stderr.isTTY === true });
  const started = Date.now();
  const tally = new ImportTally();
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  const state = () => ({ lines: tally.handled, rejected: tally.rejected, bytesRead: file.bytesRead() });
  const { fireDone, kind } = args;
  const contacts = runtime.api('contacts');
  const tracker = runtime.api('event_tracker');
  try {
    const { complete } = await runImport({
      tally,
      records: recordsOf(args, file.chunks),
      send: kind === 'contacts' ? (items) => contacts.createOrUpdateMany(items) : (events) => withEntrance('import', () => tracker.trackMany(events, fireDone)),
      batchSize: args.batchSize,
      deriveKeys: kind === 'events' && args.deriveKeys,
      onProgress: () => progress.update(state()),
      stopRequested: () => interrupted,
    });
    progress.finish(state());
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(formatSummary(tally, { file: args.file, format: args.format, seconds, complete, kind }));
    return complete ? 0 : 130;
  } catch (error) {
    progress.finish(state());
    const reason = error instanceof ImportFileError ? error.message : describe(error);
    process.stderr.write(
      `import: stopped: ${reason}\n` +
        `Before it stopped: ${tally.linesRead} lines read, ${tally.stored} stored, ${tally.replayed} replayed, ${tally.rejected} rejected.\n`,
    );
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    await runtime.close();
  }
}

function recordsOf(args: ImportArgs, chunks: AsyncIterable<Buffer>): AsyncIterable<ImportRecord> {
  if (args.format === 'csv') return csvRecords(chunks, args.kind === 'contacts' ? CONTACT_CSV : EVENT_CSV);
  if (args.format === 'json') return jsonArrayRecords(chunks);
  return ndjsonRecords(chunks);
}

/** The file must be a readable regular file: otherwise it is a bad argument (exit 2). Named as given, and where it was looked for. */
async function fileSize(given: string, path: string): Promise<number> {
  const named = path === given ? `"${given}"` : `"${given}" (${path})`;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`${named} is not a file`);
    return info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${named}: ${(error as NodeJS.ErrnoException).code ?? describe(error)}`);
  }
}

/** The runtime's log lines go to stderr, so stdout holds only the summary. */
const stderrLogger = {
  error: (details: object, message: string) => process.stderr.write(`import: ${message} ${JSON.stringify(details)}\n`),
  warn: (details: object, message: string) => process.stderr.write(`import: ${message} ${JSON.stringify(details)}\n`),
  info: () => undefined,
};

/** pg's connection failures can be AggregateErrors with an empty message; the code still says why. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`import: ${describe(error)}\n`);
      process.exitCode = 1;
    },
  );
}
