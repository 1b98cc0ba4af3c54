/**
 * The few PostgreSQL wire-protocol (v3) messages the embedded database's authentication speaks
 * before it hands a connection to PGlite: https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

export const PROTOCOL_3_0 = 196_608; // 3 << 16
export const SSL_REQUEST = 80_877_103;
export const GSSENC_REQUEST = 80_877_104;
export const CANCEL_REQUEST = 80_877_102;

const AUTH_SASL = 10;
const AUTH_SASL_CONTINUE = 11;
const AUTH_SASL_FINAL = 12;

/** A message with a type byte: type, Int32 length (itself included), body. */
function typed(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function authentication(code: number, data: Buffer): Buffer {
  const codeBytes = Buffer.alloc(4);
  codeBytes.writeInt32BE(code, 0);
  return typed('R', Buffer.concat([codeBytes, data]));
}

/** AuthenticationSASL: the mechanisms offered, each NUL-terminated, then an empty one. */
export function authenticationSasl(mechanisms: readonly string[]): Buffer {
  return authentication(AUTH_SASL, Buffer.from(`${mechanisms.map((name) => `${name}\0`).join('')}\0`, 'utf8'));
}

export function authenticationSaslContinue(data: string): Buffer {
  return authentication(AUTH_SASL_CONTINUE, Buffer.from(data, 'utf8'));
}

export function authenticationSaslFinal(data: string): Buffer {
  return authentication(AUTH_SASL_FINAL, Buffer.from(data, 'utf8'));
}

/** SQLSTATEs used here, as a real server sends them. */
export const SQLSTATE = {
  invalidPassword: '28P01',
  invalidAuthorization: '28000',
  protocolViolation: '08P01',
  featureNotSupported: '0A000',
  tooManyConnections: '53300',
} as const;

/** ErrorResponse with severity FATAL: the server closes the connection after sending it. */
export function fatalError(sqlstate: string, message: string): Buffer {
  const fields: Array<[string, string]> = [
    ['S', 'FATAL'],
    ['V', 'FATAL'],
    ['C', sqlstate],
    ['M', message],
  ];
  return typed('E', Buffer.from(`${fields.map(([code, value]) => `${code}${value}\0`).join('')}\0`, 'utf8'));
}

export interface StartupPacket {
  /** The packet as received, handed to PGlite once the client is authenticated. */
  raw: Buffer;
  parameters: Map<string, string>;
}

/**
 * The parameters of a StartupMessage body (after length and version): NUL-terminated name/value
 * pairs ended by an empty name. Null when malformed.
 */
export function parseStartupParameters(body: Buffer): Map<string, string> | null {
  const parameters = new Map<string, string>();
  let offset = 0;
  for (;;) {
    const nameEnd = body.indexOf(0, offset);
    if (nameEnd < 0) return null;
    if (nameEnd === offset) return offset === body.length - 1 ? parameters : null;
    const valueEnd = body.indexOf(0, nameEnd + 1);
    if (valueEnd < 0) return null;
    parameters.set(body.toString('utf8', offset, nameEnd), body.toString('utf8', nameEnd + 1, valueEnd));
    offset = valueEnd + 1;
  }
}
