/**
 * `npm run bench:throughput` (issue 6): ingest entrances vs the multi-row limit, REST vs bare
 * Fastify+pg, GET tracking-events on 100,000 rows, and ingest growth with table size. Results go to
 * the console and to bench/throughput/results/latest.md. `BENCH_TP_ONLY=ingest,rest,get,growth` runs a
 * subset. It runs compiled (tsconfig.bench.json → dist-bench/), as `npm start` runs the server: under
 * ts-node the process also loads node:domain, whose EventEmitter.init showed in the CPU profile of GET.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machine } from './common';
import { benchIngest } from './ingest';
import { benchRest } from './rest';
import { benchGet } from './getPages';
import { benchGrowth } from './growth';

const ALL = ['ingest', 'rest', 'get', 'growth'] as const;

async function main(): Promise<void> {
  const only = (process.env.BENCH_TP_ONLY ?? ALL.join(',')).split(',').map((s) => s.trim());
  const started = Date.now();
  const line = await machine();
  console.log(`Machine: ${line}`);
  const sections: string[] = [`Machine: ${line}`, `Run: ${new Date().toISOString()}`];
  if (only.includes('ingest')) sections.push((await benchIngest(console.log)).markdown);
  if (only.includes('rest')) sections.push(await benchRest(console.log));
  if (only.includes('get')) sections.push(await benchGet(console.log));
  if (only.includes('growth')) sections.push(await benchGrowth(console.log));
  sections.push(`Total run time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  // From the package root (npm runs scripts there): the bench runs compiled, from dist-bench/.
  const results = join(process.cwd(), 'bench', 'throughput', 'results');
  const out = join(results, 'latest.md');
  mkdirSync(results, { recursive: true });
  writeFileSync(out, sections.join('\n\n') + '\n');
  console.log(`\nTotal ${((Date.now() - started) / 1000).toFixed(0)} s. Written: ${out}`);
}

main().catch((error: unknown) => {
  console.error('Throughput benchmark failed:', error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
