'use strict';
/**
 * Runs autocannon in its own process (so the load generator does not share the server's event loop)
 * and prints a JSON summary on stdout. Argument: JSON { url, connections, duration, auth, contacts,
 * overallRate? } (overallRate: a steady total of requests per second, for the soak).
 * Each request tracks the README's seed event for the next contact (bench-<i>@example.com).
 */
const autocannon = require('autocannon');

const cfg = JSON.parse(process.argv[2]);
let n = 0;
const headers = { 'content-type': 'application/json' };
if (cfg.auth) headers.authorization = cfg.auth;

autocannon(
  {
    url: cfg.url,
    connections: cfg.connections,
    duration: cfg.duration,
    ...(cfg.overallRate ? { overallRate: cfg.overallRate } : {}),
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({
            event_key: 'testing_from_rest_api',
            title: 'Testing From REST API',
            email: `bench-${n++ % cfg.contacts}@example.com`,
            value: 'This is my event value with plain text',
            provider: 'woocommerce',
          }),
        }),
      },
    ],
  },
  (error, result) => {
    if (error) {
      console.error(error);
      process.exit(1);
    }
    process.stdout.write(
      JSON.stringify({
        requestsPerSec: result.requests.average,
        total: result.requests.total,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statusCodeStats: result.statusCodeStats,
        duration: result.duration,
      }),
    );
  },
);
