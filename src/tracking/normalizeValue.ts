import { FcrmError } from '../errors';
import { LIMITS } from './limits';
import { sanitizeTextareaField, sanitizeTextField } from './sanitize';

/**
 * The stored `value` text. Scalars as FluentCRM stores them (null → '', true → '1', false → '',
 * numbers in decimal); objects and arrays as JSON text with every string sanitised (FluentCRM stores
 * '' for them; its users ask for structured values). Over 65,535 UTF-8 bytes is an error, not a cut.
 */
export function normalizeValue(value: unknown): string {
  const text = valueText(value);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > LIMITS.valueBytes) throw valueTooLong(bytes);
  return text;
}

function valueText(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return '';
    case 'string':
      // Sanitising a huge string costs time for nothing: even a 4-byte-per-character result would
      // not fit, so such input can only be too long.
      if (value.length > LIMITS.valueBytes * 4) throw valueTooLong(Buffer.byteLength(value, 'utf8'));
      return sanitizeTextareaField(value);
    case 'boolean':
      return value ? '1' : '';
    case 'number':
      if (!Number.isFinite(value)) throw invalidValue('a number in value must be finite');
      return String(value);
    case 'bigint':
      return value.toString();
    case 'object':
      return value === null ? '' : structuredText(value);
    default:
      throw invalidValue(`value cannot be a ${typeof value}`);
  }
}

function structuredText(value: object): string {
  let plain: unknown;
  try {
    // A JSON round trip applies toJSON (Dates…), drops functions and rejects cycles and BigInts.
    const json = JSON.stringify(value);
    if (Buffer.byteLength(json, 'utf8') > LIMITS.valueBytes * 4) throw valueTooLong(Buffer.byteLength(json, 'utf8'));
    plain = JSON.parse(json);
  } catch (error) {
    if (error instanceof FcrmError) throw error;
    // Too deep for the JSON encoder's stack: say so rather than "could not be encoded".
    if (error instanceof RangeError) throw invalidValue('value is nested too deeply');
    throw invalidValue('value could not be encoded as JSON (a cycle, a BigInt or the like)');
  }
  try {
    return JSON.stringify(sanitizeJson(plain));
  } catch {
    throw invalidValue('value is nested too deeply');
  }
}

function sanitizeJson(node: unknown): unknown {
  if (typeof node === 'string') return sanitizeTextareaField(node);
  if (Array.isArray(node)) return node.map(sanitizeJson);
  if (node !== null && typeof node === 'object') {
    // fromEntries defines own properties, so a "__proto__" key stays plain data.
    return Object.fromEntries(
      Object.entries(node).map(([key, child]) => [sanitizeTextField(key), sanitizeJson(child)]),
    );
  }
  return node;
}

function valueTooLong(bytes: number): FcrmError {
  return new FcrmError(
    'value_too_long',
    `The value is too long: ${bytes} bytes in UTF-8, at most ${LIMITS.valueBytes} bytes are allowed.`,
  );
}

function invalidValue(reason: string): FcrmError {
  return new FcrmError('invalid_data', `Invalid data provided. ${reason}`);
}
