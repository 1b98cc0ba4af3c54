import { FcrmError } from '../errors';

/**
 * The SQLSTATE of the fc_subscribers trigger (migration 1765324800000) that refuses the e-mail of an
 * erased contact, on every path that inserts a contact. Class "FC" is ours.
 */
export const SUPPRESSED_SQLSTATE = 'FC451';

export const SUPPRESSED_MESSAGE =
  'This e-mail address belongs to an erased contact and is suppressed; DELETE /suppressions/{email} before creating it again.';

export function suppressedError(): FcrmError {
  return new FcrmError('subscriber_suppressed', SUPPRESSED_MESSAGE);
}

/**
 * The one translation of the trigger's refusal: contact-writing code calls this on any error its
 * INSERT raised and rethrows the FcrmError it returns (or the original error when null).
 */
export function asSuppressedError(error: unknown): FcrmError | null {
  return (error as { code?: unknown } | null)?.code === SUPPRESSED_SQLSTATE ? suppressedError() : null;
}
