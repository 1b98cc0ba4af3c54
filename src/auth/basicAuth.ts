export interface BasicCredentials {
  name: string;
  password: string;
}

const BASIC = /^\s*basic[ \t]+([A-Za-z0-9+/]+={0,2})\s*$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads an `Authorization: Basic base64(name:password)` header (RFC 7617). The scheme is
 * case-insensitive; the name ends at the FIRST colon, because passwords may contain colons and
 * names may not. Anything malformed (other scheme, bad base64 or UTF-8, no colon, empty name) is
 * null, so the caller answers 401 the same way as for a wrong password.
 */
export function parseBasicAuth(header: string | undefined): BasicCredentials | null {
  if (typeof header !== 'string') return null;
  const match = BASIC.exec(header);
  if (!match || match[1].length % 4 !== 0) return null;
  let decoded: string;
  try {
    decoded = utf8.decode(Buffer.from(match[1], 'base64'));
  } catch {
    return null;
  }
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
