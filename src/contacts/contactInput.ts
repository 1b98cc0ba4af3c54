import { SUBSCRIBER_STATUSES, type SubscriberStatus } from '../../entities';
import { FcrmError } from '../errors';
import { toDatabaseId } from '../tracking/contactReference';
import { cutToCharacters } from '../tracking/limits';
import { removeUnsafeCharacters, sanitizeTextField } from '../tracking/sanitize';

/** What `api('contacts').createOrUpdate` accepts. Fields left out keep their stored values. */
export interface ContactInput {
  email: string;
  first_name?: string | null;
  last_name?: string | null;
  user_id?: number | string | null;
  status?: SubscriberStatus;
}

export interface NormalizedContact {
  email: string;
  first_name: string | null;
  last_name: string | null;
  user_id: string | null;
  status: SubscriberStatus | null;
}

const EMAIL_MAX = 190;
// The shape WordPress's is_email() accepts, in short: local@domain.tld without spaces.
const EMAIL_SHAPE = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

export function normalizeEmail(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const email = removeUnsafeCharacters(raw).trim();
  return email.length <= EMAIL_MAX && EMAIL_SHAPE.test(email) ? email : null;
}

export function normalizeContactInput(input: unknown): NormalizedContact {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('the contact must be an object with at least an email');
  }
  const data = input as Record<string, unknown>;
  const email = normalizeEmail(data.email);
  if (!email) throw invalid('email must be a valid email address');
  return {
    email,
    first_name: nameField(data.first_name, 'first_name'),
    last_name: nameField(data.last_name, 'last_name'),
    user_id: userIdField(data.user_id),
    status: statusField(data.status),
  };
}

function nameField(raw: unknown, field: string): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string') throw invalid(`${field} must be a string`);
  return cutToCharacters(sanitizeTextField(raw), 192);
}

function userIdField(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  const id = toDatabaseId(raw);
  if (!id) throw invalid('user_id must be a positive integer');
  return id;
}

function statusField(raw: unknown): SubscriberStatus | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string' && (SUBSCRIBER_STATUSES as readonly string[]).includes(raw)) {
    return raw as SubscriberStatus;
  }
  throw invalid(`status must be one of ${SUBSCRIBER_STATUSES.join(', ')}`);
}

function invalid(reason: string): FcrmError {
  return new FcrmError('invalid_data', `Invalid data provided. ${reason}`);
}
