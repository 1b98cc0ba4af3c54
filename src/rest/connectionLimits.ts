import type { FastifyInstance } from 'fastify';

/** How long a client may take and how many connections it may hold (a server with no proxy in front). */
export interface ConnectionLimits {
  /** The whole request, headers and body, must arrive within this (Node's `requestTimeout`); 408 after. */
  requestTimeoutMs: number;
  /** The headers must arrive within this (Node's `headersTimeout`); at most requestTimeoutMs. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this many are closed as they are accepted (Node's `maxConnections`). */
  maxConnections: number;
}

/**
 * 30 s for a whole request is 2.8 Mbit/s for the largest legal body (a 10 MiB batch) and far more
 * than any small call needs; 10 s for headers a client sends at once; 5 s keep-alive (Node's own
 * default; Fastify's 72 s is meant for a load balancer in front). 500 connections stay clear of the
 * common 1,024 open-file limit, which the database pool and the data folder share.
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 500,
};

/** What is wrong with these limits, or null. */
export function connectionLimitsProblem(limits: ConnectionLimits): string | null {
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    return `the headers timeout (${limits.headersTimeoutMs} ms) must not exceed the request timeout (${limits.requestTimeoutMs} ms)`;
  }
  return null;
}

/** Fastify's and Node's own options for the limits (timeouts are enforced by Node's connection checker). */
export function connectionServerOptions(limits: ConnectionLimits) {
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      // Node checks for expired requests every 30 s by default: a 30 s timeout could hold for 60 s.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
    },
  };
}

/** The connection cap lives on the listening server, which Fastify creates. */
export function applyConnectionCap(app: FastifyInstance, limits: ConnectionLimits): void {
  app.server.maxConnections = limits.maxConnections;
}
