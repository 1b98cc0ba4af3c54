import type { BenchConfig } from './config';
import type { StatementMix } from './runContenders';
import { machineLine, type MachineInfo } from './machine';
import type { ContenderSummary } from './summarize';
import { tableToMarkdown, tableToText, type Table } from './table';

export interface BenchReport {
  date: Date;
  config: BenchConfig;
  machine: MachineInfo;
  summaries: ContenderSummary[];
  /** Statements per event each runtime contender sent, counted during its warm-up. */
  statements: ReadonlyMap<string, StatementMix>;
  /** 1-minute load average when the runs finished (the start value is in the machine line). */
  loadAtEnd: number;
}

const rate = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(2));
const ratio = (n: number) => `${n.toFixed(2)}×`;

export function resultsTable(summaries: readonly ContenderSummary[]): Table {
  return {
    headers: ['#', 'Contender', 'events/s (median)', 'events/s (min–max)', 'p50 ms', 'p99 ms', 'Node CPU µs/event', 'vs pg upsert'],
    rows: summaries.map((s, i) => {
      const all = s.runs.map((r) => r.eventsPerSec);
      return [
        s.diagnostic ? `(${i + 1})` : String(i + 1),
        s.diagnostic ? `${s.label} [diagnostic]` : s.label,
        rate(s.eventsPerSec),
        `${rate(Math.min(...all))}–${rate(Math.max(...all))}`,
        ms(s.p50Ms),
        ms(s.p99Ms),
        String(Math.round(s.cpuUsPerEvent)),
        ratio(s.vsBaseline),
      ];
    }),
    rightAligned: new Set([2, 3, 4, 5, 6, 7]),
  };
}

/** What the runtime sent per event, so the table can be read against its round trips. */
export function statementsTable(r: BenchReport): Table {
  return {
    headers: ['Contender', 'statement (keyword, tables)', 'statements', 'per event', 'events per statement'],
    rows: [...r.statements].flatMap(([id, mix]) =>
      mix.map(({ shape, count, perEvent }) => [
        id,
        shape,
        count.toLocaleString('en-US'),
        perEvent.toFixed(3),
        (1 / perEvent).toFixed(1),
      ]),
    ),
    rightAligned: new Set([2, 3, 4]),
  };
}

export function workloadLine(c: BenchConfig): string {
  return (
    `${c.events.toLocaleString('en-US')} events over ${c.contacts.toLocaleString('en-US')} contacts × ${c.keys} keys, ` +
    `concurrency ${c.concurrency}, pool ${c.poolSize}, warm-up ${c.warmup}, median of ${c.repeat} run(s) each`
  );
}

/** The benchmark itself loads the box; much more than its own share means someone else was busy. */
function loadLine(r: BenchReport): string {
  return `Load average (1 min): ${r.machine.loadAtStart.toFixed(2)} at start, ${r.loadAtEnd.toFixed(2)} at end, on ${r.machine.cores} cores`;
}

export function reportText(r: BenchReport): string {
  return [
    `Workload: ${workloadLine(r.config)}`,
    loadLine(r),
    '',
    tableToText(resultsTable(r.summaries)),
    '',
    `Statements the runtime sent while each contender ran (all timed runs, ${r.config.repeat} × ${r.config.events.toLocaleString('en-US')} events; includes background work such as an outbox poller):`,
    tableToText(statementsTable(r)),
  ].join('\n');
}

export function reportMarkdown(r: BenchReport): string {
  return [
    '# Benchmark: latest run',
    '',
    `- Date: ${r.date.toISOString()}`,
    '- Command: `npm run bench` (its first step, `ts-node --transpile-only bench/run.ts`)',
    `- Machine: ${machineLine(r.machine)}`,
    `- Workload: ${workloadLine(r.config)}`,
    `- ${loadLine(r)}`,
    '',
    tableToMarkdown(resultsTable(r.summaries)),
    '',
    'p50/p99 are per-call latencies (the fire-and-forget entrance has no per-call completion to time); ' +
      'all columns are medians over the repeats; "Node CPU" is the benchmark process only, not PostgreSQL. ' +
      'Every run was verified (row count and sum(counter) = events) before it counted.',
    '',
    `Statements the runtime sent through TypeORM while each contender ran (all timed runs, ${r.config.repeat} × ` +
      `${r.config.events.toLocaleString('en-US')} events), each its own implicit transaction unless START TRANSACTION shows up. ` +
      "The pg contenders' own queries (one upsert, or the contact SELECT + the upsert, per event) bypass TypeORM and are not " +
      'counted; what appears under them is the runtime working in the background meanwhile (e.g. an outbox poller):',
    '',
    tableToMarkdown(statementsTable(r)),
    '',
  ].join('\n');
}
