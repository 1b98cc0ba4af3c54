import type { FastifyInstance } from 'fastify';
import { isFcrmError } from '../../errors';
import { requireCapability } from '../authentication';
import { fcrmErrorBody, notFoundBody } from '../errorBodies';
import { publicUrl } from '../publicUrl';
import type { RestDeps } from '../restDeps';
import { errorSchemas, occurrenceParams, occurrenceRow, paginatorSchema, pageQuerystring } from '../schemas';

type OccurrencesRoute = { Params: { id: string; eventId: string }; Querystring: { page?: string; per_page?: string } };

/** GET /subscribers/{id}/tracking-events/{eventId}/occurrences: an event's history, newest first. */
export function registerOccurrences(app: FastifyInstance, deps: RestDeps): void {
  app.get<OccurrencesRoute>(
    '/subscribers/:id(^\\d+)/tracking-events/:eventId(^\\d+)/occurrences',
    {
      onRequest: requireCapability(deps, 'fcrm_read_contacts'),
      schema: {
        summary: "An event's history: every tracked occurrence, newest first",
        tags: ['events'],
        params: occurrenceParams,
        querystring: pageQuerystring,
        response: {
          200: { type: 'object', properties: { occurrences: paginatorSchema(occurrenceRow) }, required: ['occurrences'] },
          404: { ...errorSchemas.notFound, description: 'No such contact, or the contact has no event with this id' },
          422: errorSchemas.unprocessable,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      const { id, eventId } = request.params;
      try {
        const occurrences = await deps.runtime.api('event_tracker').getOccurrences(id, eventId, {
          page: request.query.page,
          per_page: request.query.per_page,
          path: publicUrl(request, `/subscribers/${id}/tracking-events/${eventId}/occurrences`),
        });
        return { occurrences };
      } catch (error) {
        if (!isFcrmError(error)) throw error;
        if (error.code === 'not_found') return reply.code(404).send(notFoundBody(error.message));
        return reply.code(422).send(fcrmErrorBody(error));
      }
    },
  );
}
