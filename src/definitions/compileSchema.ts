import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { FcrmError } from '../errors';
import type { PropertyError } from './invalidPropertiesError';
import { formatPropertyPath } from './propertyPath';

/** A definition's schema as JSON text is at most this long (UTF-8 bytes). */
export const MAX_SCHEMA_BYTES = 32_768;
/** Objects and arrays in a schema nest at most this deep (a deeper one could exhaust the compiler's stack). */
export const MAX_SCHEMA_DEPTH = 32;
/** A violation lists at most this many problems. */
export const MAX_PROPERTY_ERRORS = 10;

/** A schema checked and compiled: validating a value is a function call. */
export interface CompiledSchema {
  /** The schema as given (parsed from its stored text). */
  schema: Record<string, unknown>;
  /** Null when the value matches; otherwise at most MAX_PROPERTY_ERRORS problems. */
  validate(value: unknown): PropertyError[] | null;
}

/**
 * Compiles a JSON Schema (draft-07, Ajv's default dialect, with ajv-formats' formats such as
 * date-time and email) or throws an FcrmError `invalid_definition` that says what is wrong.
 * Each schema gets its own Ajv instance, so no schema can `$ref` or clash with (by `$id`) another
 * key's, and a schema dropped from the cache leaves nothing behind. Strict about keywords, so a typo
 * such as "requried" is an error rather than a rule silently not applied; not strict about types,
 * so `{"properties": …}` without `"type": "object"` is accepted as JSON Schema allows.
 */
export function compileSchema(schema: unknown): CompiledSchema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw invalidDefinition('schema must be a JSON Schema object, e.g. {"type": "object", "properties": {…}}');
  }
  const bytes = Buffer.byteLength(JSON.stringify(schema), 'utf8');
  if (bytes > MAX_SCHEMA_BYTES) throw invalidDefinition(`schema is ${bytes} bytes as JSON; at most ${MAX_SCHEMA_BYTES} are allowed`);
  if (depthOf(schema) > MAX_SCHEMA_DEPTH) throw invalidDefinition(`schema nests deeper than ${MAX_SCHEMA_DEPTH} levels`);
  const ajv = new Ajv({
    allErrors: true,
    strictSchema: true,
    strictNumbers: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    // Validation never changes the value that is stored.
    coerceTypes: false,
    useDefaults: false,
    removeAdditional: false,
    logger: false,
  });
  addFormats(ajv);
  let check: ValidateFunction;
  try {
    check = ajv.compile(schema);
  } catch (error) {
    const reason = error instanceof RangeError ? 'schema is too complex to compile' : (error as Error).message;
    throw invalidDefinition(`schema is not a valid JSON Schema (draft-07): ${reason}`);
  }
  return {
    schema: schema as Record<string, unknown>,
    validate(value) {
      if (check(value)) return null;
      return propertyErrors(check.errors ?? []);
    },
  };
}

function invalidDefinition(reason: string): FcrmError {
  return new FcrmError('invalid_definition', `Invalid event definition: ${reason}.`);
}

/** Ajv's errors as property paths (the filter's dot notation); a missing or extra property is named itself. */
export function propertyErrors(errors: ErrorObject[]): PropertyError[] {
  const seen = new Set<string>();
  const out: PropertyError[] = [];
  for (const error of errors) {
    const segments = pointerSegments(error.instancePath);
    let message = error.message ?? `fails ${error.keyword}`;
    const params = error.params as { missingProperty?: unknown; additionalProperty?: unknown };
    if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
      segments.push(params.missingProperty);
      message = 'is required';
    } else if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      segments.push(params.additionalProperty);
      message = 'is not allowed';
    }
    const entry = { path: formatPropertyPath(segments), message };
    const id = `${entry.path}\u0000${entry.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(entry);
    if (out.length === MAX_PROPERTY_ERRORS) break;
  }
  return out;
}

/** A JSON Pointer (`/order/total`, `~1` = `/`, `~0` = `~`) as its segments. */
function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function depthOf(node: unknown, depth = 0): number {
  if (depth > MAX_SCHEMA_DEPTH || typeof node !== 'object' || node === null) return depth;
  let deepest = depth + 1;
  for (const child of Object.values(node)) deepest = Math.max(deepest, depthOf(child, depth + 1));
  return deepest;
}
