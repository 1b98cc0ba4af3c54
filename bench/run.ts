/**
 * `npm run bench`: the hook entrance against a plain pg upsert, on the same database, in one run.
 * See BENCHMARKS.md for what is measured and how to read it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { readConfig } from './config';
import { contenders } from './contenders';
import { chooseDatabase } from './database';
import { openBenchDatabase } from './benchDatabase';
import { describeMachine, machineLine } from './machine';
import { recordingLogger } from './recordingLogger';
import { reportMarkdown, reportText } from './report';
import { runContenders } from './runContenders';
import { seedContacts } from './seedContacts';
import { attachStatementCounter } from './statementCounter';
import { summarize } from './summarize';
import { buildEvents, expectedFor } from './workload';

const BASELINE_ID = 'pg-upsert';

async function main(): Promise<void> {
  const config = readConfig();
  const choice = await chooseDatabase();
  const logger = recordingLogger();
  const db = await openBenchDatabase(choice, config.poolSize, logger);
  try {
    const machine = describeMachine(db.serverVersion, db.synchronousCommit, choice.label);
    console.log(`Machine: ${machineLine(machine)}`);
    console.log(`Schema: ${db.schema} (dropped at the end)`);

    const contactIds = await seedContacts(db.rt, config.contacts, config.poolSize);
    const workload = {
      warmup: {
        events: buildEvents(contactIds, config.keys, config.warmup, 'warm'),
        expected: expectedFor(config.contacts, config.keys, config.warmup),
      },
      timed: {
        events: buildEvents(contactIds, config.keys, config.events, 'run'),
        expected: expectedFor(config.contacts, config.keys, config.events),
      },
    };
    const list = contenders(db, config.concurrency);
    const counter = attachStatementCounter(db.rt.dataSource);
    const { runs, statements } = await runContenders(db, logger, list, workload, config.repeat, counter, (line) =>
      console.log(line),
    );
    counter.detach();

    const report = {
      date: new Date(),
      config,
      machine,
      summaries: summarize(list, runs, BASELINE_ID),
      statements,
      loadAtEnd: os.loadavg()[0],
    };
    console.log('');
    console.log(reportText(report));
    const out = join(__dirname, 'results', 'latest.md');
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(out, reportMarkdown(report));
    console.log(`\nWritten: ${out}`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error('Benchmark failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
