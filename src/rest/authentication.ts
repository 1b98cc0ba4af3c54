import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { parseBasicAuth } from '../auth/basicAuth';
import { hasCapability, type Capability } from '../auth/capabilities';
import type { Principal } from '../auth/credentialStore';
import { restForbidden, wpError } from './errorBodies';
import type { RestDeps } from './restDeps';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated credential, once `requireCapability` has run. */
    principal?: Principal;
  }
}

/**
 * WordPress application passwords: HTTP Basic `name:password`. No or wrong credentials → 401, a
 * credential without the capability → 403, both with WordPress's `rest_forbidden` body. A client
 * address with too many failed attempts gets 429 until its window ends.
 *
 * Routes run it as their `onRequest` hook, before the body is read: a request without a valid
 * credential (or from a blocked address) is answered without its body being received or parsed.
 */
export function requireCapability(deps: RestDeps, capability: Capability): onRequestAsyncHookHandler {
  return async function checkCapability(request: FastifyRequest, reply: FastifyReply) {
    const wait = deps.authLimiter.blockedFor(request.ip);
    if (wait > 0) {
      return reply
        .code(429)
        .header('retry-after', String(wait))
        .send(wpError('rest_too_many_requests', `Too many failed authentication attempts. Try again in ${wait} seconds.`, 429));
    }
    const principal = await authenticate(deps, request);
    if (!principal) {
      deps.authLimiter.recordFailure(request.ip);
      return reply.code(401).header('www-authenticate', 'Basic realm="fluent-crm"').send(restForbidden(401));
    }
    if (!hasCapability(principal, capability)) return reply.code(403).send(restForbidden(403));
    request.principal = principal;
  };
}

async function authenticate(deps: RestDeps, request: FastifyRequest): Promise<Principal | null> {
  const given = parseBasicAuth(request.headers.authorization);
  return given ? deps.credentials.verify(given.name, given.password) : null;
}
