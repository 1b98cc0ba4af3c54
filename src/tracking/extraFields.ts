import { FcrmError } from '../errors';
import { removeUnsafeCharacters } from './sanitize';

export const IDEMPOTENCY_KEY_MAX = 191;
/** How far in the future an occurred_at may lie: clocks of callers and server disagree a little. */
export const OCCURRED_AT_SKEW_MS = 5 * 60_000;
/** The earliest occurred_at accepted: older dates are almost certainly a unit or parsing mistake. */
export const OCCURRED_AT_FLOOR = new Date('2000-01-01T00:00:00Z');

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Optional `idempotency_key`: a string (or number) of 1–191 characters; absent or '' is none. */
export function idempotencyKeyOf(raw: unknown): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const text = typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : typeof raw === 'string' ? removeUnsafeCharacters(raw).trim() : null;
  if (text === null || text === '' || text.length > IDEMPOTENCY_KEY_MAX) {
    throw new FcrmError('invalid_data', `Invalid data provided. idempotency_key must be a string of 1 to ${IDEMPOTENCY_KEY_MAX} characters`);
  }
  return text;
}

/**
 * Optional `occurred_at`: an ISO 8601 date or date-time (UTC when it names no zone) or a Date,
 * from 2000-01-01 to at most five minutes from now. Absent means now.
 */
export function occurredAtOf(raw: unknown, now: Date = new Date()): Date | null {
  if (raw === undefined || raw === null || raw === '') return null;
  let at: Date | null = null;
  if (raw instanceof Date) at = raw;
  else if (typeof raw === 'string' && ISO_8601.test(raw.trim())) {
    const text = raw.trim().replace(' ', 'T');
    at = new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) || !text.includes('T') ? normalizeOffset(text) : `${text}Z`);
  }
  if (!at || Number.isNaN(at.getTime()) || at < OCCURRED_AT_FLOOR || at.getTime() > now.getTime() + OCCURRED_AT_SKEW_MS) {
    throw new FcrmError(
      'invalid_data',
      'Invalid data provided. occurred_at must be an ISO 8601 date-time (e.g. 2026-11-26T14:27:35Z) between 2000-01-01 and five minutes from now',
    );
  }
  return at;
}

/** Date.parse wants "+05:30", not "+0530"; a bare date is already UTC. */
function normalizeOffset(text: string): string {
  return text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
}
