import type { FastifyInstance } from 'fastify';
import { tableNames } from '../../db/tableNames';
import { FcrmError } from '../../errors';
import { DEFAULT_KEY_OPTIONS, listEventKeyOptions, MAX_KEY_OPTIONS } from '../../filters';
import { requireCapability } from '../authentication';
import { fcrmErrorBody } from '../errorBodies';
import type { RestDeps } from '../restDeps';
import { errorSchemas } from '../schemas';

/** The option lists this server offers; FluentCRM has many more (tags, lists…), which we do not store. */
const OPTION_KEYS = ['event_tracking_keys'] as const;

/** GET /reports/ajax-options?option_key=event_tracking_keys: the key picker of FluentCRM's filter screen. */
export function registerReports(app: FastifyInstance, deps: RestDeps): void {
  app.get<{ Querystring: { option_key?: unknown; search?: unknown; limit?: unknown } }>(
    '/reports/ajax-options',
    {
      onRequest: requireCapability(deps, 'fcrm_read_contacts'),
      schema: {
        summary: 'Options for filter screens: the distinct tracked event keys',
        tags: ['events'],
        querystring: {
          type: 'object',
          properties: {
            option_key: { description: `Which list: ${OPTION_KEYS.join(', ')}` },
            search: { description: `Only keys containing this text, case-insensitively (% and _ are literal); at most ${MAX_SEARCH_LENGTH} characters` },
            limit: { description: `At most this many options, 1 to ${MAX_KEY_OPTIONS} (default ${DEFAULT_KEY_OPTIONS})` },
          },
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
      let search: string | undefined;
      let limit: number;
      try {
        search = parseSearch(request.query.search);
        limit = parseLimit(request.query.limit);
      } catch (error) {
        if (error instanceof FcrmError) return reply.code(422).send(fcrmErrorBody(error));
        throw error;
      }
      // Runs within the read budget like the listings.
      const options = await deps.runtime.reads.run(() =>
        listEventKeyOptions(deps.runtime.dataSource, tableNames(deps.runtime.database.schema), { search, limit }),
      );
      return { options };
    },
  );
}

/** An event key is at most 192 characters, so a longer search can match nothing. */
const MAX_SEARCH_LENGTH = 192;

function parseSearch(raw: unknown): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw new FcrmError('invalid_data', 'search was given more than once.');
  if (raw.length > MAX_SEARCH_LENGTH) throw new FcrmError('invalid_data', `search must be at most ${MAX_SEARCH_LENGTH} characters; ${raw.length} were given.`);
  return raw;
}

function parseLimit(raw: unknown): number {
  if (raw === undefined || raw === '') return DEFAULT_KEY_OPTIONS;
  const limit = typeof raw === 'string' && /^\s*\d{1,4}\s*$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= MAX_KEY_OPTIONS)) {
    throw new FcrmError('invalid_data', `limit must be a whole number from 1 to ${MAX_KEY_OPTIONS}; ${JSON.stringify(raw).slice(0, 40)} was given.`);
  }
  return limit;
}
