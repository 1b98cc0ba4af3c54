import formbody from '@fastify/formbody';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { applyConnectionCap, connectionLimitsProblem, connectionServerOptions, DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './connectionLimits';
import { restNoRoute, wpError, type WpErrorBody } from './errorBodies';
import { DEFAULT_LINGER, registerLingeringClose, type LingerBounds } from './lingeringClose';
import { normalisePublicUrl, REST_PREFIX } from './publicUrl';
import { RETRY_AFTER_SECONDS, unavailableAnswer } from './unavailable';
import { batchGate } from './batchAdmission';
import type { RestDeps } from './restDeps';
import { DEFAULT_FAILED_AUTH_LIMIT, FailedAuthLimiter, type FailedAuthLimit } from './failedAuthLimiter';
import { DEFAULT_HASH_QUEUE_LIMITS, HashWorkQueue, type HashQueueLimits } from '../auth/hashWorkQueue';
import { addSecurityHeaders } from './securityHeaders';
import { ADMIN_PREFIX } from '../admin/adminSecurity';
import { registerAdmin } from '../admin/registerAdmin';
import { registerApiDocument, withServers } from './apiDocument';
import { registerContactsQuery } from './routes/contactsQuery';
import { registerEventDefinitions } from './routes/eventDefinitions';
import { registerOccurrences } from './routes/occurrences';
import { registerReports } from './routes/reports';
import { registerSubscribers } from './routes/subscribers';
import { registerSubscribersBatch } from './routes/subscribersBatch';
import { registerTrackEvent } from './routes/trackEvent';
import { registerTrackEvents } from './routes/trackEvents';
import { registerTrackingEvents } from './routes/trackingEvents';
import { registerEventRetention } from './routes/eventRetention';
import { registerPrivacy } from './routes/privacy';
import { instrumentServer, registerOperationsRoutes } from '../ops/serverOperations';
import { registerWebhooks } from './routes/webhooks';

/** The documented request body limit (1 MiB; the batch route has its own); larger bodies get a 413 JSON error. */
export const BODY_LIMIT = 1_048_576;

export interface BuildServerOptions extends Omit<RestDeps, 'authLimiter' | 'hashQueue' | 'batches'> {
  /** Batches (POST /subscribers/track-events and /subscribers/batch) received and processed at once; more answer 503 (default 2). */
  maxConcurrentBatches?: number;
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
  /** Timeouts and the connection cap (defaults: DEFAULT_CONNECTION_LIMITS). */
  connectionLimits?: Partial<ConnectionLimits>;
  /** The base of paginator links, e.g. https://crm.example.com (default: the listening address). */
  publicUrl?: string;
  /** How much of a body is discarded after an answer sent before it arrived (default: DEFAULT_LINGER). */
  linger?: LingerBounds;
  /** Serve the admin page under /admin (default true). */
  admin?: boolean;
  /** The time zone the admin page shows dates in (default UTC; the server passes FCRM_TIMEZONE). */
  timeZone?: string;
}

/**
 * Builds the HTTP app without listening, so tests and `npm start` share it. Routes live under
 * /wp-json/fluent-crm/v2; every error a client can cause becomes a 4xx JSON body in WordPress's
 * or FluentCRM's shape, and nothing internal (paths, stacks) reaches a response.
 */
export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const limits: ConnectionLimits = { ...DEFAULT_CONNECTION_LIMITS, ...options.connectionLimits };
  const problem = connectionLimitsProblem(limits);
  if (problem) throw new RangeError(problem);
  const serverBodyLimit = options.bodyLimit ?? BODY_LIMIT;
  const app = Fastify({
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? false }),
    bodyLimit: serverBodyLimit,
    // Hostile JSON with __proto__/constructor.prototype is refused (400), never merged.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // WordPress serves every REST route with and without a trailing slash, and FluentCRM's own page
    // links carry one (`…/tracking-events/?page=2`).
    routerOptions: { ignoreTrailingSlash: true },
    // Only a listed proxy may say who the client is; otherwise request.ip is the connection's peer.
    trustProxy: options.trustProxy && options.trustProxy.length > 0 ? options.trustProxy : false,
    ...connectionServerOptions(limits),
    // Errors Fastify raises before routing (a malformed %-escape, an over-long parameter) and the
    // ones Node raises on the socket (bad HTTP, headers too large, timeouts) get WordPress's shape too.
    frameworkErrors: (error, _request, reply) => {
      const mapped = clientError(error, serverBodyLimit) ?? wpError('rest_bad_request', 'The request could not be understood.', 400);
      // The option's generic reply type accepts no concrete status code; this is a plain reply.
      return (reply as FastifyReply).code(mapped.data.status).send(mapped);
    },
    clientErrorHandler: (error, socket) => answerOnSocket(error, socket, serverBodyLimit),
  });
  applyConnectionCap(app, limits);
  addSecurityHeaders(app);
  const metrics = instrumentServer(app, options.runtime);
  app.decorate('publicBaseUrl', options.publicUrl === undefined ? null : normalisePublicUrl(options.publicUrl));
  registerLingeringClose(app, options.linger ?? DEFAULT_LINGER);

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

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const unavailable = unavailableAnswer(error, request.method);
    if (unavailable) {
      request.log.warn({ error: { type: error.name, message: error.message, code: error.code } }, unavailable.kind);
      return reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send(unavailable.body);
    }
    const mapped = clientError(error, bodyLimitOf(request, serverBodyLimit));
    if (mapped) return reply.code(mapped.data.status).send(mapped);
    // Not under `err`: pino's error serializer would turn this object into type "Object" with a stack field.
    request.log.error({ error: { type: error.name, message: error.message, code: error.code } }, 'request failed');
    return reply
      .code(500)
      .send(wpError('internal_server_error', 'The server could not complete the request. The error has been logged.', 500));
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(restNoRoute()));
  // After the handlers above, so the docs UI's routes inherit them.
  await registerApiDocument(app);

  const deps: RestDeps = {
    runtime: options.runtime,
    credentials: options.credentials,
    authLimiter: new FailedAuthLimiter(options.failedAuthLimit ?? DEFAULT_FAILED_AUTH_LIMIT),
    hashQueue:
      options.hashQueue instanceof HashWorkQueue ? options.hashQueue : new HashWorkQueue(options.hashQueue ?? DEFAULT_HASH_QUEUE_LIMITS),
    batches: batchGate(options.maxConcurrentBatches),
  };
  registerOperationsRoutes(app, deps, metrics);
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
      registerSubscribersBatch(api, deps);
      registerContactsQuery(api, deps);
      registerReports(api, deps);
      registerEventDefinitions(api, deps);
      registerEventRetention(api, deps);
      registerPrivacy(api, deps);
      registerWebhooks(api, deps);
      api.get('/openapi.json', { schema: { hide: true } }, async (request) => withServers(app.swagger(), request));
    },
    { prefix: REST_PREFIX },
  );
  if (options.admin !== false) {
    await app.register((admin) => registerAdmin(admin, { ...deps, timeZone: options.timeZone ?? 'UTC' }), { prefix: ADMIN_PREFIX });
  }
  return app;
}

/** The limit that applied to this request: the route's own (the batch route's 10 MiB) or the server's. */
function bodyLimitOf(request: FastifyRequest, serverLimit: number): number {
  return request.routeOptions?.bodyLimit ?? serverLimit;
}

/** A Fastify error, or one Node's HTTP parser raised on the socket (`HPE_…`, `ERR_HTTP_REQUEST_TIMEOUT`). */
type ClientErrorLike = Pick<FastifyError, 'message'> & Partial<Pick<FastifyError, 'code' | 'statusCode' | 'validation'>>;

/** The errors a client causes, in WordPress's shape; null for ours (→ 500). The one table for all of them. */
function clientError(error: ClientErrorLike, bodyLimit: number): WpErrorBody | null {
  if (error.validation) {
    return wpError('rest_invalid_param', `Invalid parameter(s): ${error.message}`, 400);
  }
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return wpError('rest_invalid_url', 'The URL contains a malformed percent-encoded character.', 400);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return wpError('rest_uri_too_long', 'A parameter in the URL path is too long.', 414);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return wpError('rest_request_timeout', 'The request did not arrive in time.', 408);
    case 'HPE_HEADER_OVERFLOW':
      return wpError('rest_request_header_too_large', 'The request headers are too large.', 431);
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return wpError('rest_request_too_large', 'The chunk extensions of the request body are too large.', 413);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return wpError('rest_request_too_large', `The request body is larger than the limit of ${bodyLimit} bytes.`, 413);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return wpError('rest_unsupported_media_type', 'Send parameters as JSON, as a form (application/x-www-form-urlencoded) or in the query string.', 415);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return wpError('rest_invalid_content_length', 'The Content-Length header does not match the body.', 400);
  }
  if (error.code?.startsWith('HPE_')) {
    return wpError('rest_bad_request', 'The request is not valid HTTP/1.1 (a header, the Content-Length or the chunked body is malformed).', 400);
  }
  const status = error.statusCode ?? 500;
  if (status === 400 && (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError)) {
    return wpError('rest_invalid_json', 'Invalid JSON body passed.', 400, { json_error_code: 4, json_error_message: 'Syntax error' });
  }
  if (status >= 400 && status < 500) return wpError('rest_bad_request', error.message, status);
  return null;
}

/**
 * Node's `clientError`: there is no reply object, so the answer is written on the socket, which is
 * then closed (the connection cannot be trusted to frame another request). Nothing is written
 * when an answer is already under way on it, as Node itself does.
 */
function answerOnSocket(error: Error & { code?: string }, socket: Socket, bodyLimit: number): void {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const body = clientError(error, bodyLimit) ?? wpError('rest_bad_request', 'The request could not be understood.', 400);
  const text = JSON.stringify(body);
  const status = body.data.status;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
  socket.once('finish', () => socket.destroy());
}
