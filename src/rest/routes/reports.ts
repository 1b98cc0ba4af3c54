import type { FastifyInstance } from 'fastify';
import { tableNames } from '../../db/tableNames';
import { FcrmError } from '../../errors';
import { DEFAULT_KEY_OPTIONS, listEventKeyOptions, MAX_KEY_OPTIONS } from '../../filters';
import { DEFAULT_PROPERTY_OPTIONS, listEventPropertyOptions, MAX_PROPERTY_OPTIONS, PROPERTY_SAMPLE_ROWS } from '../../filters/eventPropertyOptions';
import { cutToCharacters, LIMITS } from '../../tracking/limits';
import { sanitizeTextField } from '../../tracking/sanitize';
import { requireCapability } from '../authentication';
import { fcrmErrorBody } from '../errorBodies';
import type { RestDeps } from '../restDeps';
import { errorSchemas } from '../schemas';

/** The option lists this server offers; FluentCRM has many more (tags, lists…), which we do not store. */
const OPTION_KEYS = ['event_tracking_keys', 'event_tracking_properties'] as const;

/**
 * GET /reports/ajax-options?option_key=event_tracking_keys: the key picker of FluentCRM's filter screen;
 * option_key=event_tracking_properties&event_key=K: the property picker of the `event_tracking_property` filter.
 */
export function registerReports(app: FastifyInstance, deps: RestDeps): void {
  app.get<{ Querystring: { option_key?: unknown; search?: unknown; limit?: unknown; event_key?: unknown } }>(
    '/reports/ajax-options',
    {
      onRequest: requireCapability(deps, 'fcrm_read_contacts'),
      schema: {
        summary: 'Options for filter screens: the distinct tracked event keys, or the property paths seen in a key\'s values',
        tags: ['events'],
        querystring: {
          type: 'object',
          properties: {
            option_key: { description: `Which list: ${OPTION_KEYS.join(', ')}` },
            search: { description: `Only keys containing this text, case-insensitively (% and _ are literal); at most ${MAX_SEARCH_LENGTH} characters` },
            limit: {
              description:
                `At most this many options: event_tracking_keys 1 to ${MAX_KEY_OPTIONS} (default ${DEFAULT_KEY_OPTIONS}); ` +
                `event_tracking_properties 1 to ${MAX_PROPERTY_OPTIONS} (default ${DEFAULT_PROPERTY_OPTIONS}, the most frequent paths)`,
            },
            event_key: {
              description:
                `Required for event_tracking_properties: the key whose values are sampled (case-insensitively; the latest values ` +
                `of up to ${PROPERTY_SAMPLE_ROWS} of its rows, the newest contacts first)`,
            },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              options: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string', description: 'The key, or the property path (order.total; a dot inside a key is written \\.)' },
                    title: { type: 'string' },
                    types: {
                      type: 'array',
                      items: { type: 'string', enum: ['array', 'boolean', 'null', 'number', 'object', 'string'] },
                      description: 'event_tracking_properties: the JSON types seen at the path',
                    },
                    seen: { type: 'integer', description: 'event_tracking_properties: in how many sampled values the path occurs' },
                  },
                  required: ['id', 'title'],
                },
              },
              sampled: { type: 'integer', description: 'event_tracking_properties: how many of the key\'s rows were sampled' },
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
      if (key === 'event_tracking_properties') {
        let eventKey: string;
        let limit: number;
        try {
          eventKey = parseEventKey(request.query.event_key);
          limit = parseLimit(request.query.limit, DEFAULT_PROPERTY_OPTIONS, MAX_PROPERTY_OPTIONS);
        } catch (error) {
          if (error instanceof FcrmError) return reply.code(422).send(fcrmErrorBody(error));
          throw error;
        }
        return deps.runtime.reads.run(() =>
          listEventPropertyOptions(deps.runtime.dataSource, tableNames(deps.runtime.database.schema), { eventKey, limit }),
        );
      }
      if (key !== 'event_tracking_keys') {
        const given = key === undefined || key === '' ? 'option_key is required' : `Unknown option_key ${JSON.stringify(key).slice(0, 60)}`;
        return reply.code(422).send(fcrmErrorBody(new FcrmError('invalid_data', `${given}; this server offers: ${OPTION_KEYS.join(', ')}.`)));
      }
      let search: string | undefined;
      let limit: number;
      try {
        search = parseSearch(request.query.search);
        limit = parseLimit(request.query.limit, DEFAULT_KEY_OPTIONS, MAX_KEY_OPTIONS);
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

function parseLimit(raw: unknown, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const limit = typeof raw === 'string' && /^\s*\d{1,4}\s*$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= max)) {
    throw new FcrmError('invalid_data', `limit must be a whole number from 1 to ${max}; ${JSON.stringify(raw).slice(0, 40)} was given.`);
  }
  return limit;
}

/** The key as the tracker stores it (sanitised, cut to 192 characters); required. */
function parseEventKey(raw: unknown): string {
  if (typeof raw !== 'string' && raw !== undefined) throw new FcrmError('invalid_data', 'event_key was given more than once.');
  const key = cutToCharacters(sanitizeTextField(raw ?? ''), LIMITS.eventKey);
  if (key === '') throw new FcrmError('invalid_data', 'event_key is required for option_key event_tracking_properties.');
  return key;
}
