import type { FcrmError } from '../errors';
import { propertyErrorsOf, type PropertyError } from '../definitions/invalidPropertiesError';

/** WordPress's REST error body: `{ code, message, data: { status } }`. */
export interface WpErrorBody {
  code: string;
  message: string;
  data: { status: number; [key: string]: unknown };
}

export function wpError(code: string, message: string, status: number, extra: Record<string, unknown> = {}): WpErrorBody {
  return { code, message, data: { status, ...extra } };
}

/** WordPress answers 401 (no or wrong credentials) and 403 (missing capability) with the same body. */
export function restForbidden(status: 401 | 403): WpErrorBody {
  return wpError('rest_forbidden', 'Sorry, you are not allowed to do that.', status);
}

export function restNoRoute(): WpErrorBody {
  return wpError('rest_no_route', 'No route was found matching the URL and request method.', 404);
}

/** FluentCRM's answer to a failed tracking call: HTTP 422 `{ message, error_code }`. */
export interface FcrmErrorBody {
  message: string;
  error_code: string;
  /** invalid_properties: each way the value fails its event definition. */
  errors?: PropertyError[];
}

export function fcrmErrorBody(error: FcrmError): FcrmErrorBody {
  const errors = propertyErrorsOf(error);
  return errors ? { message: error.message, error_code: error.code, errors } : { message: error.message, error_code: error.code };
}

/** FluentCRM's validation answer, one entry per failing field: `{ field: { required: "…" } }`. */
export type FieldErrors = Record<string, Record<string, string>>;

/** `hint`, when given, follows FluentCRM's message (the `required` rule stays the key clients read). */
export function requiredFieldErrors(fields: string[], hint?: string): FieldErrors {
  return Object.fromEntries(
    fields.map((field) => [field, { required: hint ? `The ${field} field is required; ${hint}` : `The ${field} field is required.` }]),
  );
}

/** Laravel's (and FluentCRM's) 404 body for a model id that does not exist. */
export function notFoundBody(message: string): { message: string } {
  return { message };
}
