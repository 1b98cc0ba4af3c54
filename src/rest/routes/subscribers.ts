import type { FastifyInstance } from 'fastify';
import { isFcrmError } from '../../errors';
import { subscriberNotFoundMessage } from '../../api/notFound';
import { requireCapability } from '../authentication';
import { fcrmErrorBody, notFoundBody, requiredFieldErrors, wpError } from '../errorBodies';
import { jsonAsFormHint } from '../jsonSentAsForm';
import { requestParams } from '../requestParams';
import type { RestDeps } from '../restDeps';
import { contactBody, contactSchema, errorSchemas, idParams } from '../schemas';

type IdRoute = { Params: { id: string } };

/**
 * Just enough contact management to get started without another tool: create or update by e-mail,
 * read one, delete one (its events go with it).
 */
export function registerSubscribers(app: FastifyInstance, deps: RestDeps): void {
  const read = requireCapability(deps, 'fcrm_read_contacts');
  const manage = requireCapability(deps, 'fcrm_manage_contacts');
  const contacts = () => deps.runtime.api('contacts');

  app.post(
    '/subscribers',
    {
      onRequest: manage,
      schema: {
        summary: 'Create a contact, or update the one with this e-mail',
        tags: ['contacts'],
        body: contactBody,
        querystring: contactBody,
        response: {
          200: {
            type: 'object',
            properties: { message: { type: 'string' }, created: { type: 'boolean' }, contact: contactSchema },
            required: ['message', 'created', 'contact'],
          },
          422: errorSchemas.unprocessable,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      const params = requestParams(request);
      if (typeof params.email !== 'string' || params.email.trim() === '') {
        return reply.code(422).send(requiredFieldErrors(['email'], jsonAsFormHint(request)));
      }
      try {
        // One atomic statement both writes and says whether it created the contact.
        const { contact, created } = await contacts().upsert(params as { email: string });
        return { message: created ? 'Successfully added the subscriber.' : 'Subscriber has been updated.', created, contact };
      } catch (error) {
        // An erased contact's e-mail: WordPress's error shape, as the other new routes answer.
        if (isFcrmError(error) && error.code === 'subscriber_suppressed') return reply.code(422).send(wpError(error.code, error.message, 422));
        if (isFcrmError(error)) return reply.code(422).send(fcrmErrorBody(error));
        throw error;
      }
    },
  );

  app.get<IdRoute>(
    '/subscribers/:id(^\\d+)',
    {
      onRequest: read,
      schema: {
        summary: 'One contact',
        tags: ['contacts'],
        params: idParams,
        response: {
          200: { type: 'object', properties: { subscriber: contactSchema }, required: ['subscriber'] },
          404: errorSchemas.notFound,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      const subscriber = await contacts().getContact(request.params.id);
      if (!subscriber) return reply.code(404).send(notFoundBody(subscriberNotFoundMessage(request.params.id)));
      return { subscriber };
    },
  );

  app.delete<IdRoute>(
    '/subscribers/:id(^\\d+)',
    {
      onRequest: manage,
      schema: {
        summary: 'Delete a contact and its events',
        tags: ['contacts'],
        params: idParams,
        response: {
          200: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
          404: errorSchemas.notFound,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      if (!(await contacts().delete(request.params.id))) {
        return reply.code(404).send(notFoundBody(subscriberNotFoundMessage(request.params.id)));
      }
      return { message: 'Selected Subscriber has been deleted successfully' };
    },
  );
}
