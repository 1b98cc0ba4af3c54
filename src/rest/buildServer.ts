import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { DatabaseUnavailableError } from '../errors';
import { restNoRoute, wpError } from './errorBodies';
import { REST_PREFIX } from './publicUrl';
import type { RestDeps } from './restDeps';
import { DEFAULT_FAILED_AUTH_LIMIT, FailedAuthLimiter, type FailedAuthLimit } from './failedAuthLimiter';
import { DEFAULT_HASH_QUEUE_LIMITS, HashWorkQueue, type HashQueueLimits } from '../auth/hashWorkQueue';
import { addSecurityHeaders } from './securityHeaders';
import { registerContactsQuery } from './routes/contactsQuery';
import { registerOccurrences } from './routes/occurrences';
import { registerReports } from './routes/reports';
import { registerSubscribers } from './routes/subscribers';
import { registerTrackEvent } from './routes/trackEvent';
import { registerTrackEvents } from './routes/trackEvents';
import { registerTrackingEvents } from './routes/trackingEvents';

/** The documented request body limit (1 MiB; the batch route has its own); larger bodies get a 413 JSON error. */
export const BODY_LIMIT = 1_048_576;

export interface BuildServerOptions extends Omit<RestDeps, 'authLimiter' | 'hashQueue'> {
  /** Failed authentications allowed per client address and window (default 20 per minute). */
  failedAuthLimit?: FailedAuthLimit;
  /** Password hashes computed at once and waiting (default 2 running, 64 waiting, 32 of them per client), or a queue to share. */
  hashQueue?: HashQueueLimits | HashWorkQueue;
  /** Proxies whose X-Forwarded-For names the client (addresses or CIDRs); none by default. */
  trustProxy?: string[];
  /** Fastify's logger settings; false (no logs) by default. */
  logger?: FastifyServerOptions['logger'];
  /** A pino logger to use instead. */
  loggerInstance?: FastifyServerOptions['loggerInstance'];
  bodyLimit?: number;
}

/**
 * Builds the HTTP app without listening, so tests and `npm start` share it. Routes live under
 * /wp-json/fluent-crm/v2; every error a client can cause becomes a 4xx JSON body in WordPress's
 * or FluentCRM's shape, and nothing internal (paths, stacks) reaches a response.
 */
export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? false }),
    bodyLimit: options.bodyLimit ?? BODY_LIMIT,
    // Hostile JSON with __proto__/constructor.prototype is refused (400), never merged.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Only a listed proxy may say who the client is; otherwise request.ip is the connection's peer.
    trustProxy: options.trustProxy && options.trustProxy.length > 0 ? options.trustProxy : false,
  });
  addSecurityHeaders(app);

  // Parameters come as JSON, a form or the query string; a plain-text body is a 415, not a string.
  app.removeContentTypeParser('text/plain');
  // WordPress treats an empty JSON body as no parameters; Fastify would answer 400.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, {});
    return parseJson(request, text, done);
  });
  await app.register(formbody, { bodyLimit: options.bodyLimit ?? BODY_LIMIT });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'fcrm-event-tracking REST API',
        description: "FluentCRM's event tracking routes. Authenticate with HTTP Basic: an application password name:password.",
        version: '1.0.0',
      },
      components: { securitySchemes: { applicationPassword: { type: 'http', scheme: 'basic' } } },
      security: [{ applicationPassword: [] }],
    },
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DatabaseUnavailableError) {
      request.log.warn({ error: { type: error.name, message: error.message } }, 'database unavailable');
      return reply.code(503).header('retry-after', '1').send({ message: error.message, error_code: error.code });
    }
    const mapped = clientError(error, bodyLimitOf(request, options.bodyLimit ?? BODY_LIMIT));
    if (mapped) return reply.code(mapped.data.status).send(mapped);
    // Not under `err`: pino's error serializer would turn this object into type "Object" with a stack field.
    request.log.error({ error: { type: error.name, message: error.message, code: error.code } }, 'request failed');
    return reply
      .code(500)
      .send(wpError('internal_server_error', 'The server could not complete the request. The error has been logged.', 500));
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(restNoRoute()));

  const deps: RestDeps = {
    runtime: options.runtime,
    credentials: options.credentials,
    authLimiter: new FailedAuthLimiter(options.failedAuthLimit ?? DEFAULT_FAILED_AUTH_LIMIT),
    hashQueue:
      options.hashQueue instanceof HashWorkQueue ? options.hashQueue : new HashWorkQueue(options.hashQueue ?? DEFAULT_HASH_QUEUE_LIMITS),
  };
  await app.register(
    async (api) => {
      // A request without a body (parameters in the query string) validates as an empty object.
      api.addHook('preValidation', async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      });
      registerTrackEvent(api, deps);
      registerTrackEvents(api, deps);
      registerTrackingEvents(api, deps);
      registerOccurrences(api, deps);
      registerSubscribers(api, deps);
      registerContactsQuery(api, deps);
      registerReports(api, deps);
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: REST_PREFIX },
  );
  return app;
}

/** The limit that applied to this request: the route's own (the batch route's 10 MiB) or the server's. */
function bodyLimitOf(request: FastifyRequest, serverLimit: number): number {
  return request.routeOptions?.bodyLimit ?? serverLimit;
}

/** The errors a client causes, in WordPress's shape; null for ours (→ 500). */
function clientError(error: FastifyError, bodyLimit: number): ReturnType<typeof wpError> | null {
  if (error.validation) {
    return wpError('rest_invalid_param', `Invalid parameter(s): ${error.message}`, 400);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return wpError('rest_request_too_large', `The request body is larger than the limit of ${bodyLimit} bytes.`, 413);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return wpError('rest_unsupported_media_type', 'Send parameters as JSON, as a form (application/x-www-form-urlencoded) or in the query string.', 415);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return wpError('rest_invalid_content_length', 'The Content-Length header does not match the body.', 400);
  }
  const status = error.statusCode ?? 500;
  if (status === 400 && (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError)) {
    return wpError('rest_invalid_json', 'Invalid JSON body passed.', 400, { json_error_code: 4, json_error_message: 'Syntax error' });
  }
  if (status >= 400 && status < 500) return wpError('rest_bad_request', error.message, status);
  return null;
}
