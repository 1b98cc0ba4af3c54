import { removeUnsafeCharacters } from './sanitize';

/**
 * Which contact a tracking call names. FluentCRM takes the first non-empty of `subscriber`,
 * `subscriber_id`, `email`, `user_id` and never falls back to the next; with none it uses the
 * current contact.
 */
export type ContactReference =
  | { kind: 'subscriberId'; id: string }
  | { kind: 'email'; email: string }
  | { kind: 'userId'; userId: string }
  | { kind: 'current' }
  /** Named, but in a form no contact can have (e.g. `subscriber_id: "1abc"`): not found. */
  | { kind: 'unresolvable' };

const MAX_BIGINT = 9223372036854775807n;

/** PHP's `empty()` for the identifier fields: 0, "0", "", null, false and [] count as absent. */
export function isAbsent(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === false ||
    value === 0 ||
    value === '' ||
    value === '0' ||
    (Array.isArray(value) && value.length === 0)
  );
}

/** A positive integer, or a string of digits, that fits PostgreSQL's bigint; else null. */
export function toDatabaseId(value: unknown): string | null {
  let digits: string;
  if (typeof value === 'number') {
    // A positive safe integer is always within bigint: no BigInt needed (this runs once per event).
    return Number.isSafeInteger(value) && value > 0 ? String(value) : null;
  } else if (typeof value === 'bigint') {
    digits = value.toString();
  } else if (typeof value === 'string' && /^[0-9]+$/.test(value)) {
    digits = value;
  } else {
    return null;
  }
  const id = BigInt(digits);
  return id > 0n && id <= MAX_BIGINT ? id.toString() : null;
}

export function contactReferenceOf(data: Record<string, unknown>, allowSubscriberObject: boolean): ContactReference {
  if (allowSubscriberObject && !isAbsent(data.subscriber)) {
    const subscriber = data.subscriber;
    const id = typeof subscriber === 'object' && subscriber !== null ? toDatabaseId((subscriber as { id?: unknown }).id) : null;
    return id ? { kind: 'subscriberId', id } : { kind: 'unresolvable' };
  }
  if (!isAbsent(data.subscriber_id)) {
    const id = toDatabaseId(data.subscriber_id);
    return id ? { kind: 'subscriberId', id } : { kind: 'unresolvable' };
  }
  if (!isAbsent(data.email)) {
    // NUL and lone surrogates can be in no stored e-mail, and PostgreSQL rejects NUL in a parameter.
    return typeof data.email === 'string'
      ? { kind: 'email', email: removeUnsafeCharacters(data.email).trim() }
      : { kind: 'unresolvable' };
  }
  if (!isAbsent(data.user_id)) {
    const userId = toDatabaseId(data.user_id);
    return userId ? { kind: 'userId', userId } : { kind: 'unresolvable' };
  }
  return { kind: 'current' };
}
