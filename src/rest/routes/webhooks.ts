import type { FastifyInstance, FastifyReply } from 'fastify';
import { isFcrmError } from '../../errors';
import { requireCapability } from '../authentication';
import { fcrmErrorBody, notFoundBody } from '../errorBodies';
import { publicUrl } from '../publicUrl';
import { requestParams } from '../requestParams';
import type { RestDeps } from '../restDeps';
import { errorSchemas, pageQuerystring, paginatorSchema } from '../schemas';

const webhookParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9]+$', description: 'Webhook id' } },
  required: ['id'],
} as const;

const webhookSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    url: { type: 'string' },
    event_keys: { type: ['array', 'null'], items: { type: 'string' }, description: 'Lower-cased; null = every event key' },
    created_at: { type: 'string', description: 'YYYY-MM-DD HH:MM:SS' },
  },
  required: ['id', 'url', 'event_keys', 'created_at'],
} as const;

const deliverySchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    delivery_id: { type: 'string', description: "The done action's delivery id (the webhook-id header)" },
    event_key: { type: 'string' },
    state: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
    attempts: { type: 'integer' },
    next_attempt_at: { type: ['string', 'null'] },
    last_status_code: { type: ['integer', 'null'] },
    last_error: { type: ['string', 'null'] },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
  required: ['id', 'delivery_id', 'event_key', 'state', 'attempts', 'next_attempt_at', 'last_status_code', 'last_error', 'created_at', 'updated_at'],
} as const;

const notFound = { description: 'No such webhook: {"message"}', type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } as const;

type IdRoute = { Params: { id: string } };

/** POST/GET /webhooks, GET/DELETE /webhooks/{id}, GET /webhooks/{id}/deliveries (docs/webhooks.md). */
export function registerWebhooks(app: FastifyInstance, deps: RestDeps): void {
  const read = requireCapability(deps, 'fcrm_read_contacts');
  const manage = requireCapability(deps, 'fcrm_manage_contacts');
  const webhooks = () => deps.runtime.webhooks;

  app.post(
    '/webhooks',
    {
      onRequest: manage,
      schema: {
        summary: 'Register a webhook (HTTPS, or http on a loopback host); the answer shows its secret, once',
        tags: ['webhooks'],
        body: {
          type: 'object',
          properties: {
            url: { type: 'string' },
            event_keys: { description: 'Event keys to send (case-insensitive); omit or null for every key' },
          },
        },
        response: {
          201: {
            type: 'object',
            properties: {
              message: { type: 'string' },
              webhook: { ...webhookSchema, properties: { ...webhookSchema.properties, secret: { type: 'string', description: 'whsec_<base64>, shown only here' } } },
            },
            required: ['message', 'webhook'],
          },
          422: errorSchemas.unprocessable,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      const params = requestParams(request);
      try {
        const webhook = await webhooks().create({ url: params.url, event_keys: params.event_keys });
        return reply.code(201).send({ message: 'Webhook has been created. Store its secret now: it is not shown again.', webhook });
      } catch (error) {
        return fail(error, reply);
      }
    },
  );

  app.get(
    '/webhooks',
    {
      onRequest: read,
      schema: {
        summary: 'The registered webhooks (without secrets)',
        tags: ['webhooks'],
        response: { 200: { type: 'object', properties: { webhooks: { type: 'array', items: webhookSchema } }, required: ['webhooks'] }, ...errorSchemas.auth },
      },
    },
    async () => ({ webhooks: await webhooks().list() }),
  );

  app.get<IdRoute>(
    '/webhooks/:id(^\\d+)',
    {
      onRequest: read,
      schema: {
        summary: 'One webhook (without its secret)',
        tags: ['webhooks'],
        params: webhookParams,
        response: { 200: { type: 'object', properties: { webhook: webhookSchema }, required: ['webhook'] }, 404: notFound, ...errorSchemas.auth },
      },
    },
    async (request, reply) => {
      try {
        return { webhook: await webhooks().get(request.params.id) };
      } catch (error) {
        return fail(error, reply);
      }
    },
  );

  app.delete<IdRoute>(
    '/webhooks/:id(^\\d+)',
    {
      onRequest: manage,
      schema: {
        summary: 'Delete a webhook; its queued deliveries are dropped',
        tags: ['webhooks'],
        params: webhookParams,
        response: {
          200: { type: 'object', properties: { message: { type: 'string' }, id: { type: 'integer' } }, required: ['message', 'id'] },
          404: notFound,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      try {
        await webhooks().remove(request.params.id);
        return { message: 'Webhook has been deleted.', id: Number(request.params.id) };
      } catch (error) {
        return fail(error, reply);
      }
    },
  );

  app.get<IdRoute & { Querystring: { page?: string; per_page?: string } }>(
    '/webhooks/:id(^\\d+)/deliveries',
    {
      onRequest: read,
      schema: {
        summary: "A webhook's deliveries, newest first: attempts, last status, next attempt, state",
        tags: ['webhooks'],
        params: webhookParams,
        querystring: pageQuerystring,
        response: {
          200: { type: 'object', properties: { deliveries: paginatorSchema(deliverySchema) }, required: ['deliveries'] },
          404: notFound,
          422: errorSchemas.unprocessable,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      try {
        const deliveries = await webhooks().deliveries(id, {
          page: request.query.page,
          per_page: request.query.per_page,
          path: publicUrl(request, `/webhooks/${id}/deliveries`),
        });
        return { deliveries };
      } catch (error) {
        return fail(error, reply);
      }
    },
  );
}

function fail(error: unknown, reply: FastifyReply) {
  if (!isFcrmError(error)) throw error;
  if (error.code === 'not_found') return reply.code(404).send(notFoundBody(error.message));
  return reply.code(422).send(fcrmErrorBody(error));
}
