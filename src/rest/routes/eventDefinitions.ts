import type { FastifyInstance, FastifyReply } from 'fastify';
import { isFcrmError } from '../../errors';
import { requireCapability } from '../authentication';
import { fcrmErrorBody, notFoundBody } from '../errorBodies';
import { publicUrl } from '../publicUrl';
import { requestParams } from '../requestParams';
import type { RestDeps } from '../restDeps';
import { errorSchemas, pageQuerystring, paginatorSchema } from '../schemas';
import { definitionBody, definitionDetail, definitionRecord } from '../../definitions/definitionSchemas';

const ROUTE = '/event-definitions';
/**
 * The key is the rest of the path (a wildcard, not a `:param`): event keys are up to 192 characters
 * and may contain slashes, beyond what a path parameter takes.
 */
const KEYED = `${ROUTE}/*`;

type Keyed = { Params: { '*': string } };

const keyParams = {
  type: 'object',
  properties: { '*': { type: 'string', description: 'The event_key (case-insensitive; URL-encoded)' } },
} as const;

/**
 * Event definitions (issue 16): GET /event-definitions lists them; PUT, GET and DELETE
 * /event-definitions/{event_key} change and read one. Reading needs fcrm_read_contacts, changing
 * fcrm_manage_contacts. A bad schema or mode is FluentCRM's 422 `{ message, error_code: invalid_definition }`.
 */
export function registerEventDefinitions(app: FastifyInstance, deps: RestDeps): void {
  const definitions = () => deps.runtime.api('event_definitions');
  const failed = (error: unknown, reply: FastifyReply) => {
    if (!isFcrmError(error)) throw error;
    if (error.code === 'not_found') return reply.code(404).send(notFoundBody(error.message));
    return reply.code(422).send(fcrmErrorBody(error));
  };

  const list = async (query: { page?: unknown; per_page?: unknown }, reply: FastifyReply, path: string) => {
    try {
      return { definitions: await definitions().list({ page: query.page as string, per_page: query.per_page as string, path }) };
    } catch (error) {
      return failed(error, reply);
    }
  };

  app.get<{ Querystring: { page?: string; per_page?: string } }>(
    ROUTE,
    {
      onRequest: requireCapability(deps, 'fcrm_read_contacts'),
      schema: {
        summary: 'Event definitions: a JSON Schema per event key, in key order',
        tags: ['event definitions'],
        querystring: pageQuerystring,
        response: {
          200: { type: 'object', properties: { definitions: paginatorSchema(definitionRecord) }, required: ['definitions'] },
          422: errorSchemas.unprocessable,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => list(request.query, reply, publicUrl(request, ROUTE)),
  );

  app.get<Keyed & { Querystring: { page?: string; per_page?: string } }>(
    KEYED,
    {
      onRequest: requireCapability(deps, 'fcrm_read_contacts'),
      schema: {
        summary: "An event key's definition, its violation count and its newest violations",
        tags: ['event definitions'],
        params: keyParams,
        response: {
          // `/event-definitions/` (no key) is the list.
          200: { anyOf: [{ type: 'object', properties: { definition: definitionDetail }, required: ['definition'] }, { type: 'object', properties: { definitions: paginatorSchema(definitionRecord) }, required: ['definitions'] }] },
          404: { ...errorSchemas.notFound, description: 'The key has no definition' },
          422: errorSchemas.unprocessable,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      const key = request.params['*'];
      if (key === '') return list(request.query, reply, publicUrl(request, ROUTE));
      try {
        return { definition: await definitions().get(key) };
      } catch (error) {
        return failed(error, reply);
      }
    },
  );

  app.put<Keyed>(
    KEYED,
    {
      onRequest: requireCapability(deps, 'fcrm_manage_contacts'),
      // The schema documents the body; the API checks it, so a wrong one is FluentCRM's 422, not a 400.
      validatorCompiler: () => () => true,
      schema: {
        summary: "Create or replace an event key's definition",
        description:
          'The value of every event with this key (any case) is checked against the JSON Schema (draft-07) on every entrance. ' +
          'mode enforce: a value that does not match is rejected with 422 {"message","error_code":"invalid_properties","errors":[{"path","message"}]} and nothing is stored; ' +
          'mode report: it is stored, and the violation recorded and counted.',
        tags: ['event definitions'],
        params: keyParams,
        body: definitionBody,
        response: {
          200: {
            type: 'object',
            properties: { message: { type: 'string' }, created: { type: 'boolean' }, definition: definitionRecord },
            required: ['message', 'created', 'definition'],
          },
          422: errorSchemas.unprocessable,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      const params = requestParams(request);
      try {
        const { definition, created } = await definitions().put(request.params['*'], {
          schema: params.schema,
          mode: params.mode as never,
          indexed_properties: params.indexed_properties as never,
        });
        return { message: 'Event definition has been saved', created, definition };
      } catch (error) {
        return failed(error, reply);
      }
    },
  );

  app.delete<Keyed>(
    KEYED,
    {
      onRequest: requireCapability(deps, 'fcrm_manage_contacts'),
      schema: {
        summary: "Delete an event key's definition (and its recorded violations)",
        tags: ['event definitions'],
        params: keyParams,
        response: {
          200: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
          404: { ...errorSchemas.notFound, description: 'The key has no definition' },
          422: errorSchemas.unprocessable,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      try {
        await definitions().delete(request.params['*']);
        return { message: 'Event definition has been deleted' };
      } catch (error) {
        return failed(error, reply);
      }
    },
  );
}
