import type { FastifyRequest } from 'fastify';

export const REST_PREFIX = '/wp-json/fluent-crm/v2';

/** The absolute URL of a route under the REST prefix, as the client reached this server. */
export function publicUrl(request: FastifyRequest, routePath: string): string {
  return `${request.protocol}://${request.host}${REST_PREFIX}${routePath}`;
}
