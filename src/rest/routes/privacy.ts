import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { subscriberNotFoundMessage } from '../../api/notFound';
import { normalizeEmail } from '../../contacts/contactInput';
import { requireCapability } from '../authentication';
import { notFoundBody, wpError } from '../errorBodies';
import type { RestDeps } from '../restDeps';
import { RETRY_AFTER_SECONDS } from '../unavailable';
import { errorSchemas, idParams } from '../schemas';

type IdRoute = { Params: { id: string } };

/** Exports streaming at once per server: each holds a connection only per batch, but a client reads at its own pace. */
export const MAX_CONCURRENT_EXPORTS = 4;

const wpErrorResponse = (description: string) => ({
  description,
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' }, data: { type: 'object', additionalProperties: true } },
  required: ['code', 'message', 'data'],
});

/**
 * Privacy requests (issue 17): erase a contact with everything that refers to it, export its data,
 * and lift the suppression an erase leaves. All need fcrm_manage_contacts.
 */
export function registerPrivacy(app: FastifyInstance, deps: RestDeps): void {
  const manage = requireCapability(deps, 'fcrm_manage_contacts');
  const privacy = () => deps.runtime.privacy;
  const tags = ['privacy'];
  let exporting = 0;

  app.post<IdRoute>(
    '/subscribers/:id(^\\d+)/erase',
    {
      onRequest: manage,
      schema: {
        summary: 'Erase a contact: delete it and every row referring to it in one transaction, and suppress its e-mail (stored as a SHA-256 hash)',
        tags,
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              message: { type: 'string' },
              suppressed: { type: 'boolean' },
              erased: { type: 'object', additionalProperties: { type: 'integer' }, description: 'Rows deleted per table' },
            },
            required: ['message', 'suppressed', 'erased'],
          },
          404: errorSchemas.notFound,
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      const erased = await privacy().erase(request.params.id);
      if (!erased) return reply.code(404).send(notFoundBody(subscriberNotFoundMessage(request.params.id)));
      return { message: 'Subscriber has been erased and its e-mail suppressed.', suppressed: true, erased };
    },
  );

  app.get<IdRoute>(
    '/subscribers/:id(^\\d+)/export',
    {
      onRequest: manage,
      schema: {
        summary: "A contact's data as NDJSON: the contact, its events, their occurrences, its automation runs, then an end line with counts",
        tags,
        params: idParams,
        response: {
          200: {
            description:
              'application/x-ndjson, one JSON object per line: {"type":"contact"|"event"|"occurrence"|"automation_run","data":{…}}, last {"type":"end","counts":{…}} (missing if the stream broke off)',
            content: { 'application/x-ndjson': { schema: { type: 'string' } } },
          },
          404: errorSchemas.notFound,
          503: wpErrorResponse(`More than ${MAX_CONCURRENT_EXPORTS} exports at once (rest_server_busy); retry`),
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      if (exporting >= MAX_CONCURRENT_EXPORTS) {
        return reply
          .code(503)
          .header('retry-after', String(RETRY_AFTER_SECONDS))
          .send(wpError('rest_server_busy', `${MAX_CONCURRENT_EXPORTS} exports are running; retry in a moment.`, 503));
      }
      exporting += 1;
      let release = () => {
        exporting -= 1;
        release = () => {};
      };
      try {
        const lines = await privacy().export(request.params.id);
        if (!lines) {
          release();
          return reply.code(404).send(notFoundBody(subscriberNotFoundMessage(request.params.id)));
        }
        // Readable.from pulls the next batch only when the socket has taken the last one.
        const stream = Readable.from(lines, { objectMode: false });
        stream.once('close', () => release());
        stream.once('error', (error) => request.log.error({ error: { type: error.name, message: error.message } }, 'export failed mid-stream'));
        return reply
          .type('application/x-ndjson; charset=utf-8')
          .header('content-disposition', `attachment; filename="subscriber-${request.params.id}.ndjson"`)
          .send(stream);
      } catch (error) {
        release();
        throw error;
      }
    },
  );

  app.delete<{ Params: { email: string } }>(
    '/suppressions/:email',
    {
      onRequest: manage,
      schema: {
        summary: 'Lift the suppression of an erased contact\'s e-mail, so it can be created again',
        tags,
        params: { type: 'object', properties: { email: { type: 'string', description: 'The e-mail address (URL-encoded), any case' } }, required: ['email'] },
        response: {
          200: { type: 'object', properties: { message: { type: 'string' }, deleted: { type: 'boolean' } }, required: ['message', 'deleted'] },
          400: wpErrorResponse('Not an e-mail address (rest_invalid_param)'),
          404: wpErrorResponse('This e-mail is not suppressed (not_found)'),
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) => {
      const email = normalizeEmail(request.params.email);
      if (!email) return reply.code(400).send(wpError('rest_invalid_param', 'Invalid parameter(s): email must be an e-mail address.', 400));
      if (!(await privacy().liftSuppression(email))) {
        return reply.code(404).send(wpError('not_found', 'This e-mail address is not suppressed.', 404));
      }
      return { message: 'The suppression has been lifted; the contact can be created again.', deleted: true };
    },
  );
}
