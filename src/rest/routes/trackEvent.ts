import type { FastifyInstance } from 'fastify';
import { isFcrmError } from '../../errors';
import { actingUserOf } from '../actingUser';
import { requireCapability } from '../authentication';
import { fcrmErrorBody, requiredFieldErrors } from '../errorBodies';
import { requestParams } from '../requestParams';
import type { RestDeps } from '../restDeps';
import { errorSchemas, trackEventBody } from '../schemas';

const REQUIRED = ['event_key', 'title'] as const;

/**
 * POST /subscribers/track-event: FluentCRM's controller. Parameters come from a JSON body, a form
 * body or the query string; the call behaves like `track(data, true)`.
 */
export function registerTrackEvent(app: FastifyInstance, deps: RestDeps): void {
  app.post(
    '/subscribers/track-event',
    {
      preHandler: requireCapability(deps.credentials, 'fcrm_manage_contacts'),
      schema: {
        summary: 'Track an event for a contact',
        description:
          'Stores the event, or increments its counter when the contact already has this event_key + title, then fires fluent_crm/track_event_activity_done.',
        tags: ['events'],
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
      if (missing.length > 0) return reply.code(422).send(requiredFieldErrors(missing));
      // `subscriber` (an already loaded contact) is for in-process callers only, never for a request body.
      const { subscriber: _ignored, ...data } = params;
      try {
        const event = await deps.runtime.runAs(actingUserOf(request), () => deps.runtime.api('event_tracker').track(data, true));
        return { message: 'Event has been tracked', id: event.id };
      } catch (error) {
        if (isFcrmError(error)) return reply.code(422).send(fcrmErrorBody(error));
        throw error;
      }
    },
  );
}

/** FluentCRM's request validation: missing, empty or whitespace-only. */
function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
