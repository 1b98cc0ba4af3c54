import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it: no channel
 * binding (the embedded database has no TLS, so only `n` and `y` gs2 headers), the user name in
 * the SCRAM message ignored (the startup packet's counts), no authorization identity.
 */

export const SCRAM_SHA_256 = 'SCRAM-SHA-256';

/** What a server keeps of a password: enough to verify a proof, not enough to log in with. */
export interface ScramVerifier {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** PostgreSQL's default iteration count (scram_iterations). */
const ITERATIONS = 4096;

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

/** Derives the verifier once per start: the per-connection work is then a few HMACs. */
export function scramVerifier(password: string, iterations = ITERATIONS): ScramVerifier {
  const salt = randomBytes(16);
  // The passwords here are base64url, so SASLprep (RFC 4013) leaves them unchanged.
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return { salt, iterations, storedKey: createHash('sha256').update(clientKey).digest(), serverKey: hmac(salted, 'Server Key') };
}

export type ScramStep = { ok: true; reply: string } | { ok: false; failure: 'malformed' | 'unsupported' | 'rejected'; detail: string };

/** The attributes of a SCRAM message, `k=value` separated by commas, in order. */
function attributes(text: string): Array<[string, string]> | null {
  const pairs: Array<[string, string]> = [];
  for (const part of text.split(',')) {
    if (!/^[A-Za-z]=/.test(part)) return null;
    pairs.push([part[0], part.slice(2)]);
  }
  return pairs;
}

const PRINTABLE_NONCE = /^[\x21-\x2b\x2d-\x7e]+$/; // printable ASCII without ','

/** One SCRAM exchange: `first` answers client-first-message, `final` client-final-message. */
export class ScramExchange {
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private gs2Header = '';
  private readonly verifier: ScramVerifier;
  private readonly knownUser: boolean;

  /** `verifier` null: the user does not exist; the exchange runs to the end and fails, as PostgreSQL's does. */
  constructor(verifier: ScramVerifier | null) {
    this.verifier = verifier ?? scramDecoy();
    this.knownUser = verifier !== null;
  }

  first(clientFirst: string): ScramStep {
    // gs2-header: cbind-flag "," [authzid] ","
    const match = /^(n|y|p=[^,]*),([^,]*),(.*)$/s.exec(clientFirst);
    if (!match) return { ok: false, failure: 'malformed', detail: 'malformed SCRAM message (no GS2 header)' };
    const [, cbindFlag, authzid, bare] = match;
    if (cbindFlag.startsWith('p=')) return { ok: false, failure: 'unsupported', detail: 'channel binding is not supported: the embedded database has no TLS' };
    if (authzid !== '') return { ok: false, failure: 'unsupported', detail: 'client uses authorization identity, but it is not supported' };
    const pairs = attributes(bare);
    if (!pairs || pairs.length < 2 || pairs[0][0] !== 'n' || pairs[1][0] !== 'r') {
      return { ok: false, failure: 'malformed', detail: 'malformed SCRAM message (expected n= and r= attributes)' };
    }
    if (pairs.slice(2).some(([key]) => key === 'm')) return { ok: false, failure: 'unsupported', detail: 'unsupported SCRAM extension' };
    const clientNonce = pairs[1][1];
    if (!PRINTABLE_NONCE.test(clientNonce)) return { ok: false, failure: 'malformed', detail: 'malformed SCRAM message (invalid nonce)' };

    const { verifier } = this;
    this.gs2Header = `${cbindFlag},${authzid},`;
    this.clientFirstBare = bare;
    this.nonce = clientNonce + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${verifier.salt.toString('base64')},i=${verifier.iterations}`;
    return { ok: true, reply: this.serverFirst };
  }

  final(clientFinal: string): ScramStep {
    const proofAt = clientFinal.lastIndexOf(',p=');
    const pairs = proofAt < 0 ? null : attributes(clientFinal.slice(0, proofAt));
    if (!pairs || pairs.length < 2 || pairs[0][0] !== 'c' || pairs[1][0] !== 'r') {
      return { ok: false, failure: 'malformed', detail: 'malformed SCRAM message (expected c=, r= and p= attributes)' };
    }
    if (Buffer.from(pairs[0][1], 'base64').toString('latin1') !== this.gs2Header) {
      return { ok: false, failure: 'malformed', detail: 'SCRAM channel binding check failed' };
    }
    if (pairs[1][1] !== this.nonce) return { ok: false, failure: 'malformed', detail: 'unexpected SCRAM nonce' };
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');

    const { verifier } = this;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${clientFinal.slice(0, proofAt)}`;
    const clientSignature = hmac(verifier.storedKey, authMessage);
    if (proof.length !== clientSignature.length) return { ok: false, failure: 'rejected', detail: 'wrong proof length' };
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i += 1) clientKey[i] = proof[i] ^ clientSignature[i];
    const matches = timingSafeEqual(createHash('sha256').update(clientKey).digest(), verifier.storedKey);
    if (!matches || !this.knownUser) return { ok: false, failure: 'rejected', detail: 'wrong password' };
    return { ok: true, reply: `v=${hmac(verifier.serverKey, authMessage).toString('base64')}` };
  }
}

/** A verifier of no password, for users that do not exist: same messages, same work, always refused. */
let decoyVerifier: ScramVerifier | undefined;
function scramDecoy(): ScramVerifier {
  decoyVerifier ??= { salt: randomBytes(16), iterations: ITERATIONS, storedKey: randomBytes(32), serverKey: randomBytes(32) };
  return decoyVerifier;
}
