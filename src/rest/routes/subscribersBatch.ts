import type { FastifyInstance } from 'fastify';
import { MAX_CONTACT_BATCH, type ContactBatchResult } from '../../contacts/contactBatch';
import { FcrmError, isFcrmError } from '../../errors';
import { requireCapability } from '../authentication';
import { batchAdmission } from '../batchAdmission';
import { fcrmErrorBody } from '../errorBodies';
import type { RestDeps } from '../restDeps';
import { contactBatchResultsSchema, errorSchemas, subscribersBatchBody } from '../schemas';

/** The route's body limit: 1,000 contacts of at most about 2 KiB each (e-mail and names at their longest). */
export const CONTACT_BATCH_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * POST /subscribers/batch: up to 1,000 contacts in one call, each created or updated by e-mail as
 * POST /subscribers does; one result per item, valid items written even when others fail. Admitted
 * like the event batch (the same places), since both read large bodies.
 */
export function registerSubscribersBatch(app: FastifyInstance, deps: RestDeps): void {
  app.post(
    '/subscribers/batch',
    {
      onRequest: [requireCapability(deps, 'fcrm_manage_contacts'), batchAdmission(deps.batches)],
      bodyLimit: CONTACT_BATCH_BODY_LIMIT,
      // Checked by the handler, so a wrong shape is FluentCRM's 422 and never a coerced 400.
      validatorCompiler: () => () => true,
      schema: {
        summary: 'Create or update up to 1,000 contacts in one call',
        description:
          `Each item is a contact as POST /subscribers takes it; an existing contact with the e-mail (any case) is updated. ` +
          `Valid items are written (in one transaction) even when others fail. Body limit ${CONTACT_BATCH_BODY_LIMIT} bytes.`,
        tags: ['contacts'],
        body: subscribersBatchBody,
        response: {
          200: contactBatchResultsSchema,
          422: errorSchemas.unprocessable,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      const contacts = contactsOf(request.body);
      if (!contacts) {
        const error = new FcrmError('invalid_data', `Invalid data provided. Send {"contacts": [...]} or a JSON array of at most ${MAX_CONTACT_BATCH} contacts`);
        return reply.code(422).send(fcrmErrorBody(error));
      }
      let results: ContactBatchResult[];
      try {
        results = await deps.runtime.api('contacts').createOrUpdateMany(contacts);
      } catch (error) {
        if (isFcrmError(error)) return reply.code(422).send(fcrmErrorBody(error));
        throw error;
      }
      let created = 0;
      let failed = 0;
      for (const result of results) {
        if ('error_code' in result) failed += 1;
        else if (result.created) created += 1;
      }
      return { results, created, updated: results.length - created - failed, failed };
    },
  );
}

/** `{"contacts": [...]}` or a bare array of at most MAX_CONTACT_BATCH items; null for anything else. */
function contactsOf(body: unknown): unknown[] | null {
  const contacts = Array.isArray(body) ? body : typeof body === 'object' && body !== null ? (body as { contacts?: unknown }).contacts : undefined;
  return Array.isArray(contacts) && contacts.length <= MAX_CONTACT_BATCH ? contacts : null;
}
