import type { FastifyInstance } from 'fastify';
import { EMBEDDED_EVENTS } from '../../api/contactsApi';
import { FcrmError, isFcrmError } from '../../errors';
import { CONTACT_SORT_COLUMNS, InvalidSortError } from '../../filters';
import { requireCapability } from '../authentication';
import { fcrmErrorBody, wpError } from '../errorBodies';
import { publicUrl } from '../publicUrl';
import type { RestDeps } from '../restDeps';
import { contactSchema, errorSchemas, paginatorSchema, trackedEventRow, pageQuerystring } from '../schemas';

type QueryRoute = { Querystring: Record<string, string | string[] | undefined> };

const contactListRow = {
  ...contactSchema,
  properties: {
    ...contactSchema.properties,
    events: {
      type: 'array',
      items: trackedEventRow,
      maxItems: EMBEDDED_EVENTS,
      description: `With with_events=1: the contact's latest ${EMBEDDED_EVENTS} events, newest first; the rest from GET /subscribers/{id}/tracking-events?page=N`,
    },
    events_total: { type: 'integer', description: 'With with_events=1: how many events the contact has' },
  },
} as const;

/**
 * GET /subscribers: FluentCRM's contact listing with advanced filters (filter_type=advanced,
 * advanced_filters=<JSON>), a search, sorting (sort_by, sort_type) and paging; newest contacts first by default.
 */
export function registerContactsQuery(app: FastifyInstance, deps: RestDeps): void {
  app.get<QueryRoute>(
    '/subscribers',
    {
      onRequest: requireCapability(deps, 'fcrm_read_contacts'),
      schema: {
        summary: 'Contacts, filtered by their tracked events',
        tags: ['contacts'],
        querystring: {
          type: 'object',
          properties: {
            filter_type: { description: '"advanced" (default when advanced_filters is given) or "simple" (advanced_filters ignored, as in FluentCRM)' },
            advanced_filters: { description: 'FluentCRM advanced filters as JSON: groups (ORed) of items (ANDed) with source ["event_tracking", PROPERTY]' },
            search: { description: 'Text to find in the e-mail or name, case-insensitively' },
            sort_by: {
              description: `The column to sort by: ${CONTACT_SORT_COLUMNS.join(', ')} (default id). Text sorts case-insensitively; ties by id. Another value is a 422 rest_invalid_param.`,
            },
            sort_type: { description: 'ASC or DESC, any case (default DESC). Another value is a 422 rest_invalid_param.' },
            with_events: {
              description: `1 or true: add each contact's latest ${EMBEDDED_EVENTS} events (newest first) under events and its number of events under events_total (one query for the page)`,
            },
            ...pageQuerystring.properties,
          },
        },
        response: {
          200: { type: 'object', properties: { subscribers: paginatorSchema(contactListRow) }, required: ['subscribers'] },
          422: errorSchemas.unprocessable,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      const query = request.query;
      try {
        const subscribers = await deps.runtime.api('contacts').query({
          filters: advancedFilters(query),
          search: single(query.search),
          sort_by: single(query.sort_by),
          sort_type: single(query.sort_type),
          with_events: flag(single(query.with_events)),
          page: single(query.page),
          per_page: single(query.per_page),
          path: publicUrl(request, '/subscribers'),
        });
        return { subscribers };
      } catch (error) {
        // A parameter WordPress would validate itself: its rest_invalid_param shape, naming the parameter.
        if (error instanceof InvalidSortError) {
          return reply.code(422).send(wpError('rest_invalid_param', error.message, 422, { params: { [error.param]: error.message } }));
        }
        if (isFcrmError(error)) return reply.code(422).send(fcrmErrorBody(error));
        throw error;
      }
    },
  );
}

/** FluentCRM applies advanced_filters only with filter_type=advanced; we also when filter_type is left out. */
function advancedFilters(query: QueryRoute['Querystring']): unknown {
  const type = single(query.filter_type);
  if (type === 'simple') return undefined;
  if (type !== undefined && type !== '' && type !== 'advanced') {
    throw new FcrmError('invalid_filter', `filter_type must be "advanced" or "simple"; ${JSON.stringify(type).slice(0, 40)} was given.`);
  }
  return query.advanced_filters;
}

/** A repeated query parameter is a mistake the caller should hear about, not a silent pick. */
function single(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) throw new FcrmError('invalid_data', 'A query parameter was given more than once.');
  return value;
}

function flag(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new FcrmError('invalid_data', `with_events must be 1 or 0 (true or false); ${JSON.stringify(value).slice(0, 40)} was given.`);
}
