import { FcrmError, isFcrmError, type ErrorCode } from '../errors';
import { normalizeContactInput, type NormalizedContact } from './contactInput';
import type { ContactRecord } from './contactRecord';

/** Contacts in one `createOrUpdateMany` call or `POST /subscribers/batch`: the event batch's bound. */
export const MAX_CONTACT_BATCH = 1000;

/** One item's outcome, in input order: the contact written (created or updated), or why not. */
export type ContactBatchResult =
  | { index: number; id: number; created: boolean; contact: ContactRecord }
  | { index: number; error_code: ErrorCode; message: string };

/** Each item checked alone: the contact to write, or the error result it gets (POST /subscribers' messages). */
export function checkBatchItems(inputs: unknown[]): Array<NormalizedContact | Extract<ContactBatchResult, { error_code: ErrorCode }>> {
  return inputs.map((input, index) => {
    const email = typeof input === 'object' && input !== null ? (input as { email?: unknown }).email : undefined;
    if (!Array.isArray(input) && typeof input === 'object' && input !== null && (typeof email !== 'string' || email.trim() === '')) {
      return { index, error_code: 'invalid_data', message: 'The email field is required.' };
    }
    try {
      return normalizeContactInput(input);
    } catch (error) {
      if (!isFcrmError(error)) throw error;
      return { index, error_code: error.code, message: error.message };
    }
  });
}

/** A batch must be an array of at most MAX_CONTACT_BATCH items. */
export function assertContactBatch(inputs: unknown): asserts inputs is unknown[] {
  if (!Array.isArray(inputs) || inputs.length > MAX_CONTACT_BATCH) {
    throw new FcrmError('invalid_data', `Invalid data provided. Send an array of at most ${MAX_CONTACT_BATCH} contacts`);
  }
}
