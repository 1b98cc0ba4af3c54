import type { FastifyRequest } from 'fastify';

/**
 * WordPress merges a request's parameters with the JSON body first, then a form body, then the
 * query string (the first source that has a key wins). Spreading copies own keys only, so a
 * `__proto__` key stays data.
 */
export function requestParams(request: FastifyRequest): Record<string, unknown> {
  const query = asRecord(request.query);
  const body = asRecord(request.body);
  return { ...query, ...body };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
