import type { FastifyInstance } from 'fastify';

/**
 * Every answer (they are all JSON under /wp-json, many about one contact) must not be kept by a
 * shared cache or browser, nor sniffed as another content type.
 */
export function addSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
  });
}
