/**
 * `npm run soak`: the REST server under a steady load on loopback for a fixed time (default 60 s at
 * 200 requests/s), reporting errors, p99 latency and the server's RSS at start and end. Bounded in
 * time and rate; it stops by itself. A short version runs in the test suite (test/faults/soak.test.ts).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { CredentialStore } from '../src/auth/credentialStore';
import { buildServer } from '../src/rest/buildServer';
import { openRuntime, seedContactsSql } from './throughput/common';

export interface SoakResult {
  seconds: number;
  rate: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p99: number;
  rssStartMiB: number;
  rssEndMiB: number;
  stored: number;
}

const CONTACTS = 200;
const CONNECTIONS = 16;

export async function runSoak(seconds: number, rate: number): Promise<SoakResult> {
  const b = await openRuntime('soak');
  try {
    await seedContactsSql(b, CONTACTS);
    const credentials = new CredentialStore(b.rt.dataSource, b.schema);
    const created = await credentials.create({ name: 'soak', capabilities: ['fcrm_read_contacts', 'fcrm_manage_contacts'] });
    const app = await buildServer({ runtime: b.rt, credentials, logger: false });
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const url = `http://127.0.0.1:${port}/wp-json/fluent-crm/v2/subscribers/track-event`;
      const auth = `Basic ${Buffer.from(`${created.name}:${created.password}`).toString('base64')}`;
      const rssStart = process.memoryUsage().rss;
      const load = await runLoad({ url, connections: CONNECTIONS, duration: seconds, auth, contacts: CONTACTS, overallRate: rate });
      await b.rt.drain();
      global.gc?.();
      const rssEnd = process.memoryUsage().rss;
      const [{ sum }] = await b.query<{ sum: string }>(`SELECT coalesce(sum(counter), 0) AS sum FROM ${b.events}`);
      return {
        seconds,
        rate,
        requests: load.total,
        non2xx: load.non2xx,
        errors: load.errors,
        timeouts: load.timeouts,
        p50: load.p50,
        p99: load.p99,
        rssStartMiB: rssStart / 2 ** 20,
        rssEndMiB: rssEnd / 2 ** 20,
        stored: Number(sum),
      };
    } finally {
      await app.close();
      await credentials.idle();
    }
  } finally {
    await b.close();
  }
}

interface LoadSummary {
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p99: number;
}

function runLoad(config: Record<string, unknown>): Promise<LoadSummary> {
  const seconds = Number(config.duration);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(__dirname, 'throughput', 'loadClient.js'), JSON.stringify(config)],
      { timeout: (seconds + 60) * 1000, maxBuffer: 2 ** 20 },
      (error, stdout, stderr) => (error ? reject(new Error(`load client failed: ${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout))),
    );
  });
}

async function main(): Promise<void> {
  const seconds = Number(process.env.SOAK_SECONDS ?? 60);
  const rate = Number(process.env.SOAK_RATE ?? 200);
  console.log(`Soak: POST track-event at ${rate} requests/s for ${seconds} s (loopback, ${CONNECTIONS} connections)`);
  const r = await runSoak(seconds, rate);
  console.log(
    `requests ${r.requests}, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}, p50 ${r.p50} ms, p99 ${r.p99} ms, ` +
      `RSS ${r.rssStartMiB.toFixed(0)} MiB at start → ${r.rssEndMiB.toFixed(0)} MiB at end, events stored ${r.stored}`,
  );
  // In-flight requests when the load stops are stored but not counted by the load generator.
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0 || r.stored < r.requests || r.stored > r.requests + CONNECTIONS) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
