/** JSON schemas of the definitions' REST answers and body (serialisation and the OpenAPI document). */

const schemaObject = { type: 'object', additionalProperties: true, description: 'A JSON Schema (draft-07) for the event value' } as const;

export const definitionRecord = {
  type: 'object',
  properties: {
    event_key: { type: 'string' },
    mode: { type: 'string', enum: ['enforce', 'report'] },
    schema: schemaObject,
    indexed_properties: { type: 'array', items: { type: 'string' }, description: 'Number and string properties (dot paths) with their own indexes' },
    violations: { type: 'integer', description: 'Values stored in report mode that did not match, since the definition was created' },
    last_violation_at: { type: ['string', 'null'], description: 'YYYY-MM-DD HH:MM:SS' },
    created_at: { type: 'string', description: 'YYYY-MM-DD HH:MM:SS' },
    updated_at: { type: 'string', description: 'YYYY-MM-DD HH:MM:SS' },
  },
  required: ['event_key', 'mode', 'schema', 'indexed_properties', 'violations', 'last_violation_at', 'created_at', 'updated_at'],
} as const;

const propertyErrors = {
  type: 'array',
  items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } }, required: ['path', 'message'] },
} as const;

export const definitionDetail = {
  ...definitionRecord,
  properties: {
    ...definitionRecord.properties,
    recent_violations: {
      type: 'array',
      description: 'The newest violations (at most 50), newest first',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          event_id: { type: ['integer', 'null'] },
          subscriber_id: { type: ['integer', 'null'] },
          errors: propertyErrors,
          created_at: { type: 'string', description: 'YYYY-MM-DD HH:MM:SS' },
        },
        required: ['id', 'event_id', 'subscriber_id', 'errors', 'created_at'],
      },
    },
  },
  required: [...definitionRecord.required, 'recent_violations'],
} as const;

export const definitionBody = {
  type: 'object',
  properties: {
    schema: { ...schemaObject, description: 'Required. A JSON Schema (draft-07, formats such as date-time and email) object, at most 32 KiB as JSON' },
    mode: { type: 'string', enum: ['enforce', 'report'], description: 'Required. enforce: reject values that do not match; report: store them and record the violation' },
    indexed_properties: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Optional. At most 5 properties (dot paths the schema declares number, integer or string; 20 over all keys) to index: ' +
        'property filters on them read an index instead of every row of the key. The answer comes once the indexes are built.',
    },
  },
  required: ['schema', 'mode'],
} as const;
