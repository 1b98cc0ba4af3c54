import type { FastifyRequest } from 'fastify';

/** Appended to a "field is required" message when the body was JSON sent as form data. */
export const JSON_AS_FORM_HINT = 'the body looks like JSON: send Content-Type: application/json';

/**
 * `curl -d '{"event_key":…}'` without a Content-Type sends JSON as a form body: the form parser
 * turns the whole text into one key with an empty value, and every field looks missing. A form
 * body whose only key (with its value, should the JSON hold an `=`) parses as a JSON object is that.
 */
export function looksLikeJsonSentAsForm(request: FastifyRequest): boolean {
  const type = String(request.headers['content-type'] ?? '').toLowerCase();
  if (!type.startsWith('application/x-www-form-urlencoded')) return false;
  const body = request.body;
  if (typeof body !== 'object' || body === null) return false;
  const entries = Object.entries(body);
  if (entries.length !== 1) return false;
  const [key, value] = entries[0];
  const text = value === '' ? key : `${key}=${String(value)}`;
  if (!text.trimStart().startsWith('{')) return false;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/** The hint for requiredFieldErrors, or undefined when the body is not JSON sent as a form. */
export function jsonAsFormHint(request: FastifyRequest): string | undefined {
  return looksLikeJsonSentAsForm(request) ? JSON_AS_FORM_HINT : undefined;
}
