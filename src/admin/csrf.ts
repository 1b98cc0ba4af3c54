import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The CSRF token of a session: an HMAC of a fixed label keyed by the (secret) session id, so it is
 * stored nowhere and valid exactly as long as the session. Forms carry it in `_csrf`.
 */
export function csrfTokenFor(sessionId: string): string {
  return createHmac('sha256', sessionId).update('fcrm-admin-csrf').digest('base64url');
}

/** A random token for the sign-in form (double-submit: the same value in a cookie and the form). */
export function newLoginToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison of a submitted token with the expected one. */
export function tokensMatch(given: unknown, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
