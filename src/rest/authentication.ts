import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { parseBasicAuth } from '../auth/basicAuth';
import { hasCapability, type Capability } from '../auth/capabilities';
import type { HashGate, Principal } from '../auth/credentialStore';
import { HashQueueFullError } from '../auth/hashWorkQueue';
import { clientAddressKey } from './clientAddressKey';
import { restForbidden, wpError, type WpErrorBody } from './errorBodies';
import type { AttemptReservation } from './failedAuthLimiter';
import type { RestDeps } from './restDeps';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated credential, once `requireCapability` has run. */
    principal?: Principal;
  }
}

/** An answer that ends the request before the route runs. */
export interface Refusal {
  status: number;
  body: WpErrorBody;
  headers?: Record<string, string>;
}

/**
 * WordPress application passwords: HTTP Basic `name:password`. No or wrong credentials → 401, a
 * credential without the capability → 403, both with WordPress's `rest_forbidden` body.
 *
 * Only a wrong password counts against the client address (it cost a hash); a request without Basic
 * credentials costs none and is not counted. An attempt is reserved before its hash, so past the
 * limit (429) no further hash is computed for that address, however many requests run at once; the
 * hashes themselves go through a bounded queue (full → 503 with Retry-After).
 *
 * Routes run it as their `onRequest` hook, before the body is read: a request without a valid
 * credential (or from a blocked address) is answered without its body being received or parsed.
 */
export function requireCapability(deps: RestDeps, capability: Capability): onRequestAsyncHookHandler {
  return async function checkCapability(request: FastifyRequest, reply: FastifyReply) {
    const outcome = await authenticate(deps, request);
    if ('status' in outcome) {
      return reply.code(outcome.status).headers(outcome.headers ?? {}).send(outcome.body);
    }
    if (!hasCapability(outcome, capability)) return reply.code(403).send(restForbidden(403));
    request.principal = outcome;
  };
}

async function authenticate(deps: RestDeps, request: FastifyRequest): Promise<Principal | Refusal> {
  // Node keeps only the first of repeated Authorization headers; which one a proxy saw is unknowable.
  const headerCount = countHeader(request.raw.rawHeaders, 'authorization');
  if (headerCount > 1) return duplicateAuthorization(headerCount);
  const address = request.ip;
  const wait = deps.authLimiter.blockedFor(address);
  if (wait > 0) return tooManyFailures(wait);
  const given = parseBasicAuth(request.headers.authorization);
  if (!given) return unauthorized();
  return checkCredentials(deps, address, given.name, given.password);
}

/**
 * Verifies a name and password for a client address through the failed-auth limiter and the hash
 * queue: the one check behind HTTP Basic and the admin page's sign-in form, so both count toward
 * the same limit.
 */
export async function checkCredentials(
  deps: Pick<RestDeps, 'authLimiter' | 'hashQueue' | 'credentials'>,
  address: string,
  name: string,
  password: string,
): Promise<Principal | Refusal> {
  const wait = deps.authLimiter.blockedFor(address);
  if (wait > 0) return tooManyFailures(wait);
  const given = { name, password };
  const attempt: { reservation?: AttemptReservation; retryAfter?: number } = {};
  const gate: HashGate = {
    admit() {
      const reserved = deps.authLimiter.reserve(address);
      if (reserved.reserved) attempt.reservation = reserved.reservation;
      else attempt.retryAfter = reserved.retryAfter;
      return reserved.reserved;
    },
    run: (hash) => deps.hashQueue.run(clientAddressKey(address), hash),
  };
  let principal: Principal | null;
  try {
    principal = await deps.credentials.verify(given.name, given.password, gate);
  } catch (error) {
    // No answer about the password: the attempt does not count.
    if (attempt.reservation) deps.authLimiter.release(attempt.reservation);
    if (error instanceof HashQueueFullError) return serverBusy(error.retryAfterSeconds);
    throw error;
  }
  if (attempt.retryAfter !== undefined) return tooManyFailures(attempt.retryAfter);
  if (!principal) return unauthorized(); // the reserved attempt stays: a failure
  if (attempt.reservation) deps.authLimiter.release(attempt.reservation);
  return principal;
}

function countHeader(rawHeaders: string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === name) count += 1;
  return count;
}

function unauthorized(): Refusal {
  return { status: 401, body: restForbidden(401), headers: { 'www-authenticate': 'Basic realm="fluent-crm"' } };
}

function tooManyFailures(seconds: number): Refusal {
  return {
    status: 429,
    body: wpError('rest_too_many_requests', `Too many failed authentication attempts. Try again in ${seconds} seconds.`, 429),
    headers: { 'retry-after': String(seconds) },
  };
}

function serverBusy(seconds: number): Refusal {
  return {
    status: 503,
    body: wpError('rest_server_busy', `Too many password verifications are in progress. Try again in ${seconds} seconds.`, 503),
    headers: { 'retry-after': String(seconds) },
  };
}

function duplicateAuthorization(count: number): Refusal {
  return {
    status: 400,
    body: wpError('rest_duplicate_authorization', `Send one Authorization header; this request has ${count}.`, 400),
  };
}
