/**
 * `npm run bench:workers`: REST POST /subscribers/track-event through `npm start` (compiled) with
 * WEB_CONCURRENCY=1 and =2, side by side against the same PostgreSQL (one fresh schema each, seeded
 * alike), alternating 1, 2, 1, 2 so drift on a shared machine hits both. autocannon runs in its own
 * process (bench/throughput/loadClient.js): 32 connections, BENCH_WORKERS_SECONDS (default 8) after
 * a 2 s warm-up. Prints a Markdown table for BENCHMARKS.md.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createEventTracking, silentLogger } from '../src';
import { CredentialStore } from '../src/auth/credentialStore';
import { quoteIdent } from '../src/db/tableNames';

const ROOT = join(__dirname, '..');
const DB_URL = process.env.DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/test';
const SECONDS = Number(process.env.BENCH_WORKERS_SECONDS ?? 8);
const CONNECTIONS = 32;
const CONTACTS = 1_000;

interface LoadResult {
  requestsPerSec: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function load(url: string, duration: number, auth: string): Promise<LoadResult> {
  const arg = JSON.stringify({ url, connections: CONNECTIONS, duration, auth, contacts: CONTACTS });
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(ROOT, 'bench', 'throughput', 'loadClient.js'), arg], { timeout: (duration + 60) * 1000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`load client failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as LoadResult);
    });
  });
}

/** A migrated schema with CONTACTS contacts and a credential. */
async function prepare(schema: string): Promise<string> {
  const rt = await createEventTracking({ databaseUrl: DB_URL, schema, logger: silentLogger });
  try {
    await rt.dataSource.query(
      `INSERT INTO ${quoteIdent(schema)}.fc_subscribers (email, first_name) SELECT 'bench-' || g || '@example.com', 'Bench ' || g FROM generate_series(0, $1::int - 1) g`,
      [CONTACTS],
    );
    const created = await new CredentialStore(rt.dataSource, schema).create({ name: 'bench', capabilities: ['fcrm_manage_contacts'] });
    return `Basic ${Buffer.from(`${created.name}:${created.password}`).toString('base64')}`;
  } finally {
    await rt.close();
  }
}

async function run(workers: number, schema: string, auth: string): Promise<LoadResult> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'server', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: DB_URL, FCRM_SCHEMA: schema, PORT: '0', WEB_CONCURRENCY: String(workers), LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/listening on (http:\/\/\S+)/);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
  });
  try {
    const url = `${base}/subscribers/track-event`;
    if (workers > 1) await new Promise((resolve) => setTimeout(resolve, 3_000)); // the other workers finish starting
    await load(url, 2, auth);
    return await load(url, SECONDS, auth);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.js'), '--if-stale'], { stdio: 'inherit' });
  const tag = Date.now().toString(36);
  const schemas = { 1: `bench_w1_${tag}`, 2: `bench_w2_${tag}` } as const;
  const auths = { 1: await prepare(schemas[1]), 2: await prepare(schemas[2]) };
  const rows: Array<{ workers: 1 | 2; result: LoadResult }> = [];
  try {
    for (const workers of [1, 2, 1, 2] as const) {
      const result = await run(workers, schemas[workers], auths[workers]);
      rows.push({ workers, result });
      console.error(`workers=${workers}: ${result.requestsPerSec.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, non-2xx ${result.non2xx}`);
    }
  } finally {
    const client = new Client({ connectionString: DB_URL });
    await client.connect();
    for (const schema of Object.values(schemas)) await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await client.end();
  }
  const mean = (workers: 1 | 2) => {
    const mine = rows.filter((r) => r.workers === workers).map((r) => r.result.requestsPerSec);
    return mine.reduce((a, b) => a + b, 0) / mine.length;
  };
  console.log(`| round | workers | req/s | p50 ms | p99 ms | non-2xx / errors |`);
  console.log(`| ---: | ---: | ---: | ---: | ---: | ---: |`);
  rows.forEach(({ workers, result }, i) =>
    console.log(`| ${i + 1} | ${workers} | ${result.requestsPerSec.toFixed(0)} | ${result.p50} | ${result.p99} | ${result.non2xx} / ${result.errors} |`),
  );
  console.log(`\n2 workers / 1 worker (mean of 2 rounds each): ${(mean(2) / mean(1)).toFixed(2)}×; load average at the end: ${loadavg().map((n) => n.toFixed(1)).join(' ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
