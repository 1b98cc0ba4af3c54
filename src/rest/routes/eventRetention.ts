import type { FastifyInstance, FastifyReply } from 'fastify';
import { isFcrmError } from '../../errors';
import { MAX_RETENTION_DAYS, MAX_RULES_LISTED } from '../../retention/retentionRules';
import { requireCapability } from '../authentication';
import { wpError } from '../errorBodies';
import type { RestDeps } from '../restDeps';
import { errorSchemas } from '../schemas';

type KeyRoute = { Params: { event_key: string } };

const ruleSchema = {
  type: 'object',
  properties: {
    event_key: { type: 'string' },
    days: { type: ['integer', 'null'], description: 'Days the history of this key is kept; null: for ever' },
    updated_at: { type: 'string', description: 'ISO 8601' },
  },
  required: ['event_key', 'days', 'updated_at'],
} as const;

const keyParams = {
  type: 'object',
  properties: { event_key: { type: 'string', minLength: 1, description: 'The event key (case-insensitive), sanitised as tracking does' } },
  required: ['event_key'],
} as const;

const wpErrorResponse = (description: string) => ({
  description,
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' }, data: { type: 'object', additionalProperties: true } },
  required: ['code', 'message', 'data'],
});

const noRule = (key: string) => wpError('not_found', `There is no retention override for the event key "${key}".`, 404);

/**
 * Retention overrides per event key (issue 17): how many days the history (fc_event_occurrences) of
 * one key is kept, instead of the default (FCRM_HISTORY_RETENTION_DAYS). Reading needs
 * fcrm_read_contacts, changing fcrm_manage_contacts. The pruner applies them at its next pass.
 */
export function registerEventRetention(app: FastifyInstance, deps: RestDeps): void {
  const read = requireCapability(deps, 'fcrm_read_contacts');
  const manage = requireCapability(deps, 'fcrm_manage_contacts');
  const retention = () => deps.runtime.retention;
  const tags = ['retention'];

  app.get(
    '/event-retention',
    {
      onRequest: read,
      schema: {
        summary: `The default history retention and the per-key overrides (at most ${MAX_RULES_LISTED})`,
        tags,
        response: {
          200: {
            type: 'object',
            properties: {
              default_days: { type: ['integer', 'null'], description: 'FCRM_HISTORY_RETENTION_DAYS; null: kept for ever' },
              rules: { type: 'array', items: ruleSchema },
            },
            required: ['default_days', 'rules'],
          },
          ...errorSchemas.auth,
        },
      },
    },
    async () => ({ default_days: retention().defaultDays, rules: await retention().rules.list() }),
  );

  app.get<KeyRoute>(
    '/event-retention/:event_key',
    {
      onRequest: read,
      schema: {
        summary: 'The retention override of one event key',
        tags,
        params: keyParams,
        response: { 200: { type: 'object', properties: { rule: ruleSchema }, required: ['rule'] }, 404: wpErrorResponse('No override for this key'), ...errorSchemas.auth },
      },
    },
    async (request, reply) =>
      withKey(reply, async () => {
        const rule = await retention().rules.get(request.params.event_key);
        return rule ? { rule } : reply.code(404).send(noRule(request.params.event_key));
      }),
  );

  app.put<KeyRoute & { Body: { days: number | null } }>(
    '/event-retention/:event_key',
    {
      onRequest: manage,
      schema: {
        summary: 'Set how many days the history of one event key is kept (null: for ever)',
        tags,
        params: keyParams,
        body: {
          type: 'object',
          properties: { days: { type: ['integer', 'null'], minimum: 1, maximum: MAX_RETENTION_DAYS } },
          required: ['days'],
        },
        response: {
          200: {
            type: 'object',
            properties: { message: { type: 'string' }, created: { type: 'boolean' }, rule: ruleSchema },
            required: ['message', 'created', 'rule'],
          },
          400: wpErrorResponse('Bad event key or days (rest_invalid_param)'),
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) =>
      withKey(reply, async () => {
        const { rule, created } = await retention().rules.set(request.params.event_key, request.body.days);
        return { message: created ? 'Retention override created.' : 'Retention override updated.', created, rule };
      }),
  );

  app.delete<KeyRoute>(
    '/event-retention/:event_key',
    {
      onRequest: manage,
      schema: {
        summary: 'Remove the override: the key falls back to the default retention',
        tags,
        params: keyParams,
        response: {
          200: { type: 'object', properties: { message: { type: 'string' }, deleted: { type: 'boolean' } }, required: ['message', 'deleted'] },
          404: wpErrorResponse('No override for this key'),
          ...errorSchemas.auth,
        },
      },
    },
    async (request, reply) =>
      withKey(reply, async () =>
        (await retention().rules.remove(request.params.event_key))
          ? { message: 'Retention override removed.', deleted: true }
          : reply.code(404).send(noRule(request.params.event_key)),
      ),
  );
}

/** A key that sanitises to nothing (or bad days) is the client's mistake: 400 rest_invalid_param. */
async function withKey(reply: FastifyReply, work: () => Promise<unknown>): Promise<unknown> {
  try {
    return await work();
  } catch (error) {
    if (isFcrmError(error) && error.code === 'invalid_data') return reply.code(400).send(wpError('rest_invalid_param', error.message, 400));
    throw error;
  }
}
