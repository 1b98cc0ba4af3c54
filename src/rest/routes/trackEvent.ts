import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BatchResult } from '../../api/eventTrackerApi';
import { isFcrmError } from '../../errors';
import { actingUserOf } from '../actingUser';
import { requireCapability } from '../authentication';
import { fcrmErrorBody, requiredFieldErrors } from '../errorBodies';
import { jsonAsFormHint } from '../jsonSentAsForm';
import { requestParams } from '../requestParams';
import type { RestDeps } from '../restDeps';
import { errorSchemas, idempotencyKeyHeaders, trackEventBody } from '../schemas';
import { withEntrance } from '../../ops/entrance';

const REQUIRED = ['event_key', 'title'] as const;

/**
 * POST /subscribers/track-event: FluentCRM's controller. Parameters come from a JSON body, a form
 * body or the query string; the call behaves like `track(data, true)`. An `Idempotency-Key` header
 * makes retries safe: a replay answers the first result with `Idempotent-Replayed: true`.
 */
export function registerTrackEvent(app: FastifyInstance, deps: RestDeps): void {
  app.post(
    '/subscribers/track-event',
    {
      onRequest: requireCapability(deps, 'fcrm_manage_contacts'),
      schema: {
        summary: 'Track an event for a contact',
        description:
          'Stores the event, or increments its counter when the contact already has this event_key + title, then fires fluent_crm/track_event_activity_done.',
        tags: ['events'],
        headers: idempotencyKeyHeaders,
        body: trackEventBody,
        querystring: trackEventBody,
        response: {
          200: {
            type: 'object',
            properties: { message: { type: 'string', const: 'Event has been tracked' }, id: { type: 'integer' } },
            required: ['message', 'id'],
          },
          422: errorSchemas.unprocessable,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      const params = requestParams(request);
      const missing = REQUIRED.filter((field) => isBlank(params[field]));
      if (missing.length > 0) {
        deps.runtime.operations.metrics.tracked('rest', 'rejected');
        return reply.code(422).send(requiredFieldErrors(missing, jsonAsFormHint(request)));
      }
      // `subscriber` (an already loaded contact) is for in-process callers only, never for a request body.
      const { subscriber: _ignored, ...data } = params;
      const key = idempotencyKeyHeader(request);
      if (key !== undefined) data.idempotency_key = key;
      // trackMany, not track: its result says whether the key had been applied already (a replay).
      let result: BatchResult;
      try {
        [result] = await withEntrance('rest', () =>
          deps.runtime.runAs(actingUserOf(request), () => deps.runtime.api('event_tracker').trackMany([data], true)),
        );
      } catch (error) {
        if (isFcrmError(error)) return reply.code(422).send(fcrmErrorBody(error));
        throw error;
      }
      if ('error_code' in result) {
        const { index: _index, ...failed } = result;
        return reply.code(422).send(failed);
      }
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return { message: 'Event has been tracked', id: result.id };
    },
  );
}

/** The header wins over a body `idempotency_key` (the usual HTTP convention); an empty header is none. */
function idempotencyKeyHeader(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  const value = Array.isArray(header) ? header.join(', ') : header;
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** FluentCRM's request validation: missing, empty or whitespace-only. */
function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
