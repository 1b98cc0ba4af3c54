/**
 * `npm run bench:memory`: the resident memory of `npm start` on the embedded database, as a new user
 * meets it. Starts the built server (`node dist/src/server/main.js`) on a fresh data folder, waits
 * until it listens, lets it idle, and samples the RSS of its whole process tree (the server and any
 * child it started) every 50 ms; then stops it and starts it again on the same folder. With
 * DATABASE_URL set it also starts the server once on that PostgreSQL, for reference.
 *
 * Linux only (reads /proc). Idle RSS is the median of the last second of the idle period.
 * Usage: npm run bench:memory [-- --idle-seconds 5]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'src', 'server', 'main.js');
const SAMPLE_MS = 50;
const MiB = 1024 * 1024;

interface Sample {
  at: number;
  rss: number;
  processes: number;
}

export interface MemoryRun {
  label: string;
  /** Milliseconds from spawn to the banner. */
  startMs: number;
  peakMiB: number;
  idleMiB: number;
  /** Most processes seen in the tree at once (1: the server only). */
  maxProcesses: number;
}

/** RSS (bytes) of a process and all its descendants, from /proc. */
function treeRss(rootPid: number): { rss: number; processes: number } {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces), closed by the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = parents.get(ppid) ?? [];
      list.push(Number(entry));
      parents.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  let rss = 0;
  let processes = 0;
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      rss += kib * 1024;
      processes += 1;
    } catch {
      continue;
    }
    pending.push(...(parents.get(pid) ?? []));
  }
  return { rss, processes };
}

async function runOnce(label: string, env: NodeJS.ProcessEnv, idleSeconds: number): Promise<MemoryRun> {
  const started = Date.now();
  const child: ChildProcess = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const samples: Sample[] = [];
  const timer = setInterval(() => {
    const { rss, processes } = treeRss(child.pid!);
    if (processes > 0) samples.push({ at: Date.now(), rss, processes });
  }, SAMPLE_MS);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (/listening on http/.test(output)) resolve();
      };
      child.stdout!.on('data', check);
      void exited.then((code) => reject(new Error(`the server exited (${code}) before listening:\n${output}`)));
    });
    const startMs = Date.now() - started;
    const listenedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const idle = samples.filter((sample) => sample.at >= listenedAt + (idleSeconds - 1) * 1000).map((sample) => sample.rss);
    idle.sort((a, b) => a - b);
    return {
      label,
      startMs,
      peakMiB: Math.max(...samples.map((sample) => sample.rss)) / MiB,
      idleMiB: (idle[Math.floor(idle.length / 2)] ?? Number.NaN) / MiB,
      maxProcesses: Math.max(...samples.map((sample) => sample.processes)),
    };
  } finally {
    clearInterval(timer);
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) process.stderr.write(`${label}: the server exited ${code} on SIGTERM:\n${output}\n`);
  }
}

export async function measureEmbeddedMemory(idleSeconds: number): Promise<MemoryRun[]> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  const base: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOG_LEVEL: 'warn' };
  delete base.DATABASE_URL;
  delete base.FCRM_DATA_DIR;
  const runs: MemoryRun[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'fcrm-memory-'));
  try {
    runs.push(await runOnce('embedded, first start (new data folder)', { ...base, FCRM_DATA_DIR: dataDir }, idleSeconds));
    runs.push(await runOnce('embedded, restart (same folder)', { ...base, FCRM_DATA_DIR: dataDir }, idleSeconds));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (process.env.DATABASE_URL) {
    runs.push(await runOnce('PostgreSQL (DATABASE_URL)', { ...base, DATABASE_URL: process.env.DATABASE_URL, FCRM_SCHEMA: 'bench_memory' }, idleSeconds));
  }
  return runs;
}

if (require.main === module) {
  const index = process.argv.indexOf('--idle-seconds');
  const idleSeconds = index > 0 ? Number(process.argv[index + 1]) : 5;
  if (!Number.isFinite(idleSeconds) || idleSeconds < 1) throw new Error('--idle-seconds must be a number ≥ 1');
  measureEmbeddedMemory(idleSeconds).then(
    (runs) => {
      process.stdout.write(`| server | start s | peak RSS MiB | idle RSS MiB | processes |\n|---|---:|---:|---:|---:|\n`);
      for (const run of runs) {
        process.stdout.write(
          `| ${run.label} | ${(run.startMs / 1000).toFixed(1)} | ${run.peakMiB.toFixed(0)} | ${run.idleMiB.toFixed(0)} | ${run.maxProcesses} |\n`,
        );
      }
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
