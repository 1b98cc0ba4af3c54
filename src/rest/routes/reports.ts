import type { FastifyInstance } from 'fastify';
import { tableNames } from '../../db/tableNames';
import { FcrmError } from '../../errors';
import { listEventKeyOptions } from '../../filters';
import { requireCapability } from '../authentication';
import { fcrmErrorBody } from '../errorBodies';
import type { RestDeps } from '../restDeps';
import { errorSchemas } from '../schemas';

/** The option lists this server offers; FluentCRM has many more (tags, lists…), which we do not store. */
const OPTION_KEYS = ['event_tracking_keys'] as const;

/** GET /reports/ajax-options?option_key=event_tracking_keys: the key picker of FluentCRM's filter screen. */
export function registerReports(app: FastifyInstance, deps: RestDeps): void {
  app.get<{ Querystring: { option_key?: unknown } }>(
    '/reports/ajax-options',
    {
      onRequest: requireCapability(deps, 'fcrm_read_contacts'),
      schema: {
        summary: 'Options for filter screens: the distinct tracked event keys',
        tags: ['events'],
        querystring: {
          type: 'object',
          properties: { option_key: { description: `Which list: ${OPTION_KEYS.join(', ')}` } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              options: {
                type: 'array',
                items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' } }, required: ['id', 'title'] },
              },
            },
            required: ['options'],
          },
          422: errorSchemas.unprocessable,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      const key = request.query.option_key;
      if (key !== 'event_tracking_keys') {
        const given = key === undefined || key === '' ? 'option_key is required' : `Unknown option_key ${JSON.stringify(key).slice(0, 60)}`;
        return reply.code(422).send(fcrmErrorBody(new FcrmError('invalid_data', `${given}; this server offers: ${OPTION_KEYS.join(', ')}.`)));
      }
      const options = await listEventKeyOptions(deps.runtime.dataSource, tableNames(deps.runtime.database.schema));
      return { options };
    },
  );
}
