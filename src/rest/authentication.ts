import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { parseBasicAuth } from '../auth/basicAuth';
import { hasCapability, type Capability } from '../auth/capabilities';
import type { CredentialStore, Principal } from '../auth/credentialStore';
import { restForbidden } from './errorBodies';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated credential, once `requireCapability` has run. */
    principal?: Principal;
  }
}

/**
 * WordPress application passwords: HTTP Basic `name:password`. No or wrong credentials → 401, a
 * credential without the capability → 403, both with WordPress's `rest_forbidden` body.
 */
export function requireCapability(credentials: CredentialStore, capability: Capability): preHandlerAsyncHookHandler {
  return async function checkCapability(request: FastifyRequest, reply: FastifyReply) {
    const principal = await authenticate(credentials, request);
    if (!principal) {
      return reply.code(401).header('www-authenticate', 'Basic realm="fluent-crm"').send(restForbidden(401));
    }
    if (!hasCapability(principal, capability)) return reply.code(403).send(restForbidden(403));
    request.principal = principal;
  };
}

async function authenticate(credentials: CredentialStore, request: FastifyRequest): Promise<Principal | null> {
  const given = parseBasicAuth(request.headers.authorization);
  return given ? credentials.verify(given.name, given.password) : null;
}
