import { contactReferenceOf, type ContactReference } from './contactReference';
import { MESSAGES, FcrmError } from '../errors';
import { idempotencyKeyOf, occurredAtOf } from './extraFields';
import { cutToCharacters, LIMITS } from './limits';
import { normalizeValue } from './normalizeValue';
import { isStructuredObjectText } from '../properties/structuredValue';
import { sanitizeTextField } from './sanitize';

/** The data of a tracking call, checked and sanitised: exactly what the upsert stores. */
export interface NormalizedEvent {
  event_key: string;
  title: string;
  provider: string;
  value: string;
  /** Whether `value` also goes to value_json; undefined: the writer decides from the text (structuredValue.ts). */
  valueStructured?: boolean;
  contact: ContactReference;
  /** Applied once per contact within the retention window. */
  idempotencyKey: string | null;
  /** When it happened (history); null means now. */
  occurredAt: Date | null;
}

export interface NormalizeOptions {
  /** In-process callers may pass an already loaded contact as `subscriber`; REST bodies may not. */
  allowSubscriberObject: boolean;
}

/** Turns untrusted tracking data into a NormalizedEvent or throws a FcrmError. */
export function normalizeTrackInput(data: unknown, options: NormalizeOptions): NormalizedEvent {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new FcrmError('invalid_data', MESSAGES.invalidData);
  }
  const input = data as Record<string, unknown>;
  const event_key = requiredText(input.event_key, LIMITS.eventKey);
  const title = requiredText(input.title, LIMITS.title);
  const value = normalizeValue(input.value);
  return {
    event_key,
    title,
    provider: providerText(input),
    value,
    // An object or array was written by JSON.stringify of sanitised data: known canonical, no re-parse.
    valueStructured: typeof input.value === 'object' && input.value !== null ? isStructuredObjectText(value) : undefined,
    contact: contactReferenceOf(input, options.allowSubscriberObject),
    idempotencyKey: idempotencyKeyOf(input.idempotency_key),
    occurredAt: occurredAtOf(input.occurred_at),
  };
}

/** `event_key` and `title`: strings or finite numbers, non-empty after sanitising ("0" is valid). */
function requiredText(raw: unknown, max: number): string {
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (typeof raw === 'number' && Number.isFinite(raw)) text = String(raw);
  else throw new FcrmError('invalid_data', MESSAGES.invalidData);
  const cut = cutToCharacters(sanitizeTextField(text), max);
  if (cut === '') throw new FcrmError('invalid_data', MESSAGES.invalidData);
  return cut;
}

/** `custom` when the key is missing; an explicit '' or null is kept as ''. */
function providerText(input: Record<string, unknown>): string {
  const raw = input.provider;
  if (raw === undefined) return 'custom';
  if (raw === null) return '';
  if (typeof raw === 'string') return cutToCharacters(sanitizeTextField(raw), LIMITS.provider);
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  throw new FcrmError('invalid_data', 'Invalid data provided. provider must be a string');
}
