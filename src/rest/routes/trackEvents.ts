import type { FastifyInstance } from 'fastify';
import type { BatchResult } from '../../api/eventTrackerApi';
import { FcrmError } from '../../errors';
import { MAX_BATCH } from '../../tracking/tracker';
import { actingUserOf } from '../actingUser';
import { requireCapability } from '../authentication';
import { batchAdmission } from '../batchAdmission';
import { fcrmErrorBody } from '../errorBodies';
import type { RestDeps } from '../restDeps';
import { batchResultsSchema, errorSchemas, trackEventsBody } from '../schemas';
import { withEntrance } from '../../ops/entrance';

/** The batch route's body limit: 1,000 events of about 10 KiB each. Other routes keep 1 MiB. */
export const BATCH_BODY_LIMIT = 10 * 1024 * 1024;

/**
 * POST /subscribers/track-events: up to 1,000 events in one call, behaving like
 * `trackMany(events, true)`: one result per item, valid items stored even when others fail.
 */
export function registerTrackEvents(app: FastifyInstance, deps: RestDeps): void {
  app.post(
    '/subscribers/track-events',
    {
      // Before the body is read: the credential, then a place among the batches processed at once
      // (503 when none is free), so a request that is refused never holds a place.
      onRequest: [requireCapability(deps, 'fcrm_manage_contacts'), batchAdmission(deps.batches)],
      bodyLimit: BATCH_BODY_LIMIT,
      // The schema documents the body; the handler checks it, so a wrong shape is FluentCRM's 422 and
      // Ajv's type coercion never turns a lone object into a one-item array.
      validatorCompiler: () => () => true,
      schema: {
        summary: 'Track up to 1,000 events in one call',
        description:
          `Each item is a track-event object (optionally with idempotency_key and occurred_at). Valid items are stored even when ` +
          `others fail; fluent_crm/track_event_activity_done fires for every stored item. Body limit ${BATCH_BODY_LIMIT} bytes.`,
        tags: ['events'],
        body: trackEventsBody,
        response: {
          200: batchResultsSchema,
          422: errorSchemas.unprocessable,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      const events = eventsOf(request.body);
      if (!events) {
        const error = new FcrmError('invalid_data', `Invalid data provided. Send {"events": [...]} or a JSON array of at most ${MAX_BATCH} events`);
        return reply.code(422).send(fcrmErrorBody(error));
      }
      const results: BatchResult[] = await withEntrance('batch', () =>
        deps.runtime.runAs(actingUserOf(request), () => deps.runtime.api('event_tracker').trackMany(events.map(withoutSubscriberObject), true)),
      );
      const failed = results.filter((result) => 'error_code' in result).length;
      return { results, stored: results.length - failed, failed };
    },
  );
}

/** `{"events": [...]}` or a bare array of at most MAX_BATCH items; null for anything else. */
function eventsOf(body: unknown): unknown[] | null {
  const events = Array.isArray(body) ? body : typeof body === 'object' && body !== null ? (body as { events?: unknown }).events : undefined;
  return Array.isArray(events) && events.length <= MAX_BATCH ? events : null;
}

/** `subscriber` (an already loaded contact) is for in-process callers only, never for a request body. */
function withoutSubscriberObject(item: unknown): unknown {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
  const { subscriber: _ignored, ...data } = item as Record<string, unknown>;
  return data;
}
