import { MAX_PER_PAGE } from '../pagination/pageParams';
/**
 * JSON schemas of the REST routes: Fastify validates and serialises with them, and the OpenAPI
 * document is generated from them. Fields whose rules are FluentCRM's (types of event_key, title…)
 * are described here but checked by the tracker, so a bad value gets FluentCRM's 422, not a 400.
 */

const anything = (description: string) => ({ description });

export const trackEventBody = {
  type: 'object',
  additionalProperties: true,
  properties: {
    event_key: anything('Required. Unique event identifier (string or number), cut to 192 characters.'),
    title: anything('Required. Event display title (string or number), cut to 192 characters.'),
    value: anything('Additional event data: text (at most 65,535 UTF-8 bytes), number, boolean, or JSON object/array.'),
    provider: anything('Source identifier, cut to 50 characters. Default "custom".'),
    email: anything('Contact e-mail (used to find the contact).'),
    user_id: anything('WordPress user id of the contact.'),
    subscriber_id: anything('FluentCRM subscriber (contact) id.'),
  },
} as const;

const wpErrorSchema = (status: number, description: string) => ({
  description,
  type: 'object',
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    data: { type: 'object', properties: { status: { type: 'integer', const: status } }, additionalProperties: true },
  },
  required: ['code', 'message', 'data'],
});

export const errorSchemas = {
  auth: {
    401: wpErrorSchema(401, 'No or wrong credentials (rest_forbidden)'),
    403: wpErrorSchema(403, 'The credential lacks the capability (rest_forbidden)'),
  },
  unprocessable: {
    description:
      'FluentCRM\'s 422: either one entry per failing field, e.g. {"title":{"required":"The title field is required."}}, or {"message","error_code"} (plus "errors": [{"path","message"}] for invalid_properties)',
    type: 'object',
    additionalProperties: true,
  },
  notFound: {
    description: 'No such contact: {"message":"No query results for model [FluentCrm\\\\App\\\\Models\\\\Subscriber] <id>"}',
    type: 'object',
    properties: { message: { type: 'string' } },
    required: ['message'],
  },
} as const;

export const idParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[0-9]+$', description: 'Contact id' } },
  required: ['id'],
} as const;

const nullableInteger = { type: ['integer', 'null'] } as const;

export const trackedEventRow = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    subscriber_id: { type: 'string' },
    counter: { type: 'string' },
    created_by: { type: 'string' },
    provider: { type: 'string' },
    event_key: { type: 'string' },
    title: { type: 'string' },
    value: { type: 'string' },
    created_at: { type: 'string', description: 'YYYY-MM-DD HH:MM:SS' },
    updated_at: { type: 'string', description: 'YYYY-MM-DD HH:MM:SS' },
  },
  required: ['id', 'subscriber_id', 'counter', 'created_by', 'provider', 'event_key', 'title', 'value', 'created_at', 'updated_at'],
} as const;

export function paginatorSchema(row: object) {
  return {
    type: 'object',
    properties: {
      current_page: { type: 'integer' },
      data: { type: 'array', items: row },
      first_page_url: { type: 'string' },
      from: nullableInteger,
      last_page: { type: 'integer' },
      last_page_url: { type: 'string' },
      links: {
        type: 'array',
        items: {
          type: 'object',
          properties: { url: { type: ['string', 'null'] }, label: { type: 'string' }, active: { type: 'boolean' } },
          required: ['url', 'label', 'active'],
        },
      },
      next_page_url: { type: ['string', 'null'] },
      path: { type: 'string' },
      per_page: { type: 'integer' },
      prev_page_url: { type: ['string', 'null'] },
      to: nullableInteger,
      total: { type: 'integer' },
    },
    required: ['current_page', 'data', 'first_page_url', 'from', 'last_page', 'last_page_url', 'links', 'next_page_url', 'path', 'per_page', 'prev_page_url', 'to', 'total'],
  } as const;
}

export const contactSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    user_id: nullableInteger,
    email: { type: 'string' },
    first_name: { type: ['string', 'null'] },
    last_name: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['subscribed', 'pending', 'unsubscribed', 'bounced', 'complained'] },
    created_at: { type: 'string' },
    updated_at: { type: 'string' },
  },
  required: ['id', 'user_id', 'email', 'first_name', 'last_name', 'status', 'created_at', 'updated_at'],
} as const;

export const contactBody = {
  type: 'object',
  additionalProperties: true,
  properties: {
    email: anything('Required. The contact e-mail; an existing contact with this e-mail (any case) is updated.'),
    first_name: anything('First name (text)'),
    last_name: anything('Last name (text)'),
    user_id: anything('WordPress user id (positive integer)'),
    status: anything('subscribed (default for new contacts), pending, unsubscribed, bounced or complained'),
  },
} as const;

/** POST /subscribers/batch's body; its size and items are checked by the route (422), not by this schema. */
export const subscribersBatchBody = {
  description: '{"contacts": [up to 1000 contact objects]} or a bare JSON array of them',
  anyOf: [
    { type: 'object', additionalProperties: true, properties: { contacts: { type: 'array', items: contactBody } } },
    { type: 'array', items: contactBody },
  ],
} as const;

export const contactBatchResultsSchema = {
  type: 'object',
  properties: {
    results: {
      type: 'array',
      description: 'One result per item, in input order: {index, id, created, contact} or {index, error_code, message}',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          id: { type: 'integer' },
          created: { type: 'boolean', description: 'true: a new contact; false: the contact with this e-mail was updated' },
          contact: contactSchema,
          error_code: { type: 'string' },
          message: { type: 'string' },
        },
        required: ['index'],
      },
    },
    created: { type: 'integer' },
    updated: { type: 'integer' },
    failed: { type: 'integer', description: 'Items that have an error_code' },
  },
  required: ['results', 'created', 'updated', 'failed'],
} as const;

/** `Idempotency-Key` on the single track call; documented in the OpenAPI document, checked by the tracker. */
export const idempotencyKeyHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      description:
        'Optional, 1 to 191 characters. Used as the event\'s idempotency_key (the header wins over a body idempotency_key): ' +
        'a retry with the same key within the retention window (default 24 h) returns the first result, with the response ' +
        'header Idempotent-Replayed: true, and does not increment the counter or fire the done action again. The same key ' +
        'with a different event (event_key, title, value, provider or occurred_at) is a 422 idempotency_key_mismatch.',
    },
  },
} as const;

const batchItem = {
  type: 'object',
  additionalProperties: true,
  description: 'A track-event object (as POST /subscribers/track-event takes it), optionally with idempotency_key and occurred_at.',
  properties: {
    ...trackEventBody.properties,
    idempotency_key: anything(
      'Optional, 1 to 191 characters: applied once per contact within the retention window (default 24 h); reused with a different event, the item has error_code idempotency_key_mismatch.',
    ),
    occurred_at: anything('Optional ISO 8601 date-time of the occurrence (UTC without an offset); default now.'),
  },
} as const;

/**
 * The batch body: `{"events": [...]}` or a bare array. Sizes and shapes are checked by the route
 * (422 invalid_data), not by this schema, so a wrong body gets FluentCRM's 422 rather than a 400.
 */
export const trackEventsBody = {
  description: '{"events": [up to 1000 track-event objects]} or a bare JSON array of them',
  anyOf: [
    { type: 'object', additionalProperties: true, properties: { events: { type: 'array', items: batchItem } } },
    { type: 'array', items: batchItem },
  ],
} as const;

/** invalid_properties: where and why a value fails its event definition. */
export const propertyErrorsSchema = {
  type: 'array',
  description: 'With error_code invalid_properties: each way the value fails its event definition (path: a property path, "" for the value itself)',
  items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } }, required: ['path', 'message'] },
} as const;

export const batchResultsSchema = {
  type: 'object',
  properties: {
    results: {
      type: 'array',
      description: 'One result per item, in input order: {index, id, replayed?} or {index, error_code, message}',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          id: { type: 'integer' },
          replayed: { type: 'boolean', description: 'The idempotency key had been applied already: the first result, nothing counted' },
          error_code: { type: 'string' },
          message: { type: 'string' },
          errors: propertyErrorsSchema,
        },
        required: ['index'],
      },
    },
    stored: { type: 'integer', description: 'Items that have an id (replays included)' },
    failed: { type: 'integer', description: 'Items that have an error_code' },
  },
  required: ['results', 'stored', 'failed'],
} as const;

export const occurrenceParams = {
  type: 'object',
  properties: {
    id: { type: 'string', pattern: '^[0-9]+$', description: 'Contact id' },
    eventId: { type: 'string', pattern: '^[0-9]+$', description: "Event id (a row of the contact's tracking-events)" },
  },
  required: ['id', 'eventId'],
} as const;

export const occurrenceRow = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    event_id: { type: 'integer' },
    subscriber_id: { type: 'integer' },
    counter: { type: 'integer', description: "The event's counter after this occurrence" },
    value: { type: 'string' },
    provider: { type: 'string' },
    created_by: { type: 'integer' },
    idempotency_key: { type: ['string', 'null'] },
    occurred_at: { type: 'string', description: 'YYYY-MM-DD HH:MM:SS' },
    created_at: { type: 'string', description: 'YYYY-MM-DD HH:MM:SS (when it was stored)' },
  },
  required: ['id', 'event_id', 'subscriber_id', 'counter', 'value', 'provider', 'created_by', 'idempotency_key', 'occurred_at', 'created_at'],
} as const;

/** `page` and `per_page` of the paginated listings; their rules are checked by parsePageParams (422, not 400). */
export const pageQuerystring = {
  type: 'object',
  properties: {
    page: { description: 'Page number; below 1 or not a number means 1' },
    per_page: { description: `Rows per page, 1 to ${MAX_PER_PAGE} (default 15)` },
  },
} as const;
