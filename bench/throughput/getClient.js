'use strict';
/**
 * Sequential keep-alive GETs from their own process, so the client's allocations and garbage
 * collections are not timed as the server's. Argument: JSON { port, path, auth, warmUp, requests }.
 * Prints JSON { status, body (of the first answer), latencies (ms, in order) } on stdout.
 */
const http = require('node:http');

const cfg = JSON.parse(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get() {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: cfg.port, path: cfg.path, agent, headers: { authorization: cfg.auth } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

(async () => {
  const first = await get();
  if (first.status !== 200) {
    process.stdout.write(JSON.stringify({ status: first.status, body: first.body, latencies: [] }));
    return;
  }
  for (let i = 0; i < cfg.warmUp; i++) await get();
  const latencies = [];
  for (let i = 0; i < cfg.requests; i++) {
    const t0 = performance.now();
    const res = await get();
    latencies.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`GET ${cfg.path}: ${res.status}`);
  }
  process.stdout.write(JSON.stringify({ status: 200, body: first.body, latencies }));
  agent.destroy();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
