import { isIP } from 'node:net';

/** The longest URL a webhook may have. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * Why `raw` may not be a webhook URL, or null when it may: HTTPS anywhere, plain HTTP only to a
 * loopback host (127.0.0.0/8, ::1, localhost), so that events never travel unencrypted off the
 * machine. Checked at registration and again before every send (the rule may have been tightened
 * since the row was written). No credentials in the URL: they would be logged and shown in GET.
 */
export function webhookUrlProblem(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.trim() === '') return 'url is required.';
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return `url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters.`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url is not a valid absolute URL.';
  }
  if (url.username !== '' || url.password !== '') return 'url must not contain credentials.';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname) ? null : 'url must use https (plain http is allowed only for 127.0.0.0/8, ::1 and localhost).';
  }
  return 'url must use https (plain http is allowed only for 127.0.0.0/8, ::1 and localhost).';
}

/** A URL's `hostname` (IPv6 in brackets) that names this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}
