import type { FastifyInstance } from 'fastify';
import { isFcrmError } from '../../errors';
import { requireCapability } from '../authentication';
import { fcrmErrorBody, notFoundBody } from '../errorBodies';
import { publicUrl } from '../publicUrl';
import type { RestDeps } from '../restDeps';
import { errorSchemas, idParams, paginatorSchema, trackedEventRow, pageQuerystring } from '../schemas';

/** GET /subscribers/{id}/tracking-events: a contact's events, newest first, in FluentCRM's paginator. */
export function registerTrackingEvents(app: FastifyInstance, deps: RestDeps): void {
  app.get<{ Params: { id: string }; Querystring: { page?: string; per_page?: string } }>(
    '/subscribers/:id(^\\d+)/tracking-events',
    {
      onRequest: requireCapability(deps, 'fcrm_read_contacts'),
      schema: {
        summary: "A contact's tracked events",
        tags: ['events'],
        params: idParams,
        querystring: pageQuerystring,
        response: {
          200: { type: 'object', properties: { events: paginatorSchema(trackedEventRow) }, required: ['events'] },
          404: errorSchemas.notFound,
          422: errorSchemas.unprocessable,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      try {
        const events = await deps.runtime.api('event_tracker').getEvents(id, {
          page: request.query.page,
          per_page: request.query.per_page,
          path: publicUrl(request, `/subscribers/${id}/tracking-events`),
        });
        return { events };
      } catch (error) {
        if (!isFcrmError(error)) throw error;
        if (error.code === 'not_found') return reply.code(404).send(notFoundBody(error.message));
        return reply.code(422).send(fcrmErrorBody(error));
      }
    },
  );
}
