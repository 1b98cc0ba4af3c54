import { stat } from 'node:fs/promises';
import { parseImportArgs, UsageError, USAGE, type ImportArgs } from './import/args';
import { readCounted } from './import/countedFile';
import { csvRecords } from './import/csvRecords';
import { ndjsonRecords } from './import/ndjsonRecords';
import { ProgressReporter } from './import/progress';
import { runImport } from './import/runImport';
import { formatSummary } from './import/summary';
import { ImportTally } from './import/tally';
import { ImportFileError } from './import/types';
import { withEntrance } from '../ops/entrance';

/**
 * `npm run import -- FILE [--format ndjson|csv] [--batch 500] [--no-done] [--no-derive-keys]`:
 * streams tracked events from a file into `api('event_tracker').trackMany`. Exit codes: 0 the
 * import ran (rejected lines included), 1 a fatal error, 2 bad arguments.
 */
async function main(argv: string[]): Promise<number> {
  let args: ImportArgs | 'help';
  let size: number;
  try {
    args = parseImportArgs(argv);
    if (args === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    size = await fileSize(args.file);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`import: ${error.message}\n\n${USAGE}`);
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
  const file = readCounted(args.file);
  const progress = new ProgressReporter(process.stderr, { totalBytes: size, tty: process.stderr.isTTY === true });
  const started = Date.now();
  const tally = new ImportTally();
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  const state = () => ({ lines: tally.handled, rejected: tally.rejected, bytesRead: file.bytesRead() });
  const { fireDone } = args;
  try {
    const { complete } = await runImport({
      tally,
      records: args.format === 'csv' ? csvRecords(file.chunks) : ndjsonRecords(file.chunks),
      trackMany: (events) => withEntrance('import', () => runtime.api('event_tracker').trackMany(events, fireDone)),
      batchSize: args.batchSize,
      deriveKeys: args.deriveKeys,
      onProgress: () => progress.update(state()),
      stopRequested: () => interrupted,
    });
    progress.finish(state());
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(formatSummary(tally, { file: args.file, format: args.format, seconds, complete }));
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

/** The file must be a readable regular file: otherwise it is a bad argument (exit 2). */
async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`"${path}" is not a file`);
    return info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read "${path}": ${(error as NodeJS.ErrnoException).code ?? describe(error)}`);
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
