import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * The admin page's Content-Security-Policy: scripts and styles from this server only (no inline
 * script or style, no eval), nothing from elsewhere, no framing, forms post only here.
 */
export const ADMIN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function addAdminHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', ADMIN_CSP);
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
  });
}

/**
 * Whether the browser reached us over HTTPS: PUBLIC_URL says https, or the connection (or a
 * trusted proxy's X-Forwarded-Proto, which Fastify reads only with TRUST_PROXY) is https.
 */
export function servedOverHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https' || (request.server.publicBaseUrl?.startsWith('https:') ?? false);
}

/** The admin page's path: /admin below PUBLIC_URL's path (a proxy may serve us under a prefix). */
export function adminBase(app: FastifyInstance): string {
  const publicPath = app.publicBaseUrl ? new URL(app.publicBaseUrl).pathname.replace(/\/+$/, '') : '';
  return `${publicPath}${ADMIN_PREFIX}`;
}

export const ADMIN_PREFIX = '/admin';
