import type { Socket } from 'node:net';
import { SCRAM_SHA_256, ScramExchange, type ScramVerifier } from './scram';
import {
  authenticationSasl,
  authenticationSaslContinue,
  authenticationSaslFinal,
  CANCEL_REQUEST,
  fatalError,
  GSSENC_REQUEST,
  parseStartupParameters,
  PROTOCOL_3_0,
  SQLSTATE,
  SSL_REQUEST,
} from './wireMessages';

export interface ConnectionAuthOptions {
  /** The one user name that can log in. */
  user: string;
  verifier: ScramVerifier;
  /** From accept to the end of the SCRAM exchange; a client still not done is disconnected. */
  timeoutMs: number;
  /** Largest message accepted before authentication, and most bytes held waiting for one. */
  maxMessageBytes: number;
}

/** Defaults: a startup packet is a few hundred bytes, and an honest client authenticates in milliseconds. */
export const AUTH_TIMEOUT_MS = 5_000;
export const MAX_UNAUTHENTICATED_MESSAGE_BYTES = 8_192;

type Phase = 'startup' | 'sasl-initial' | 'sasl-final' | 'done';

/**
 * Plays a PostgreSQL server's part of the connection start on a fresh socket: SSL and GSS
 * encryption requests are declined ('N', as a server without TLS does), a CancelRequest is dropped
 * with the connection (PGlite has no backend to cancel), and the StartupMessage is answered with a
 * SCRAM-SHA-256 exchange. On success, after AuthenticationSASLFinal, the socket is paused and
 * `onAuthenticated` gets the startup packet (plus anything received after it) to replay to PGlite,
 * whose AuthenticationOk, ParameterStatus and ReadyForQuery then follow as the client expects.
 * Any failure is a FATAL ErrorResponse with PostgreSQL's SQLSTATE, then the connection is closed.
 */
export function authenticateConnection(socket: Socket, options: ConnectionAuthOptions, onAuthenticated: (replay: Buffer) => void): void {
  let phase: Phase = 'startup';
  let buffer: Buffer = Buffer.alloc(0);
  let startupPacket: Buffer = Buffer.alloc(0);
  let user = '';
  let exchange: ScramExchange | null = null;
  const negotiated = new Set<number>();

  const deadline = setTimeout(() => socket.destroy(), options.timeoutMs);
  deadline.unref();

  const stop = () => {
    phase = 'done';
    socket.off('data', onData);
  };
  const refuse = (sqlstate: string, message: string) => {
    stop();
    // Half-close after the error and let the client close; the deadline destroys a client that does not.
    socket.end(fatalError(sqlstate, message));
  };
  const onError = () => socket.destroy();
  socket.on('error', onError);
  socket.once('close', () => clearTimeout(deadline));

  /** A packet of the start-up phase: a negotiation request, a CancelRequest or the StartupMessage. */
  const handleStartup = (packet: Buffer): void => {
    const code = packet.readInt32BE(4);
    if (packet.length === 8 && (code === SSL_REQUEST || code === GSSENC_REQUEST)) {
      if (negotiated.has(code)) return refuse(SQLSTATE.protocolViolation, 'encryption requested twice');
      negotiated.add(code);
      socket.write('N');
      return;
    }
    if (packet.length === 16 && code === CANCEL_REQUEST) {
      stop();
      socket.end();
      return;
    }
    if (code !== PROTOCOL_3_0) {
      return refuse(SQLSTATE.featureNotSupported, `unsupported frontend protocol ${code >>> 16}.${code & 0xffff}: server supports 3.0 to 3.0`);
    }
    const parameters = parseStartupParameters(packet.subarray(8));
    if (!parameters) return refuse(SQLSTATE.protocolViolation, 'invalid startup packet layout: expected terminator as last byte');
    user = parameters.get('user') ?? '';
    if (user === '') return refuse(SQLSTATE.invalidAuthorization, 'no PostgreSQL user name specified in startup packet');
    startupPacket = packet;
    exchange = new ScramExchange(user === options.user ? options.verifier : null);
    phase = 'sasl-initial';
    socket.write(authenticationSasl([SCRAM_SHA_256]));
  };

  /** SASLInitialResponse, then SASLResponse (both message type 'p'). */
  const handleSasl = (exchange: ScramExchange, body: Buffer): void => {
    let data: string;
    if (phase === 'sasl-initial') {
      const nameEnd = body.indexOf(0);
      if (nameEnd < 0 || body.toString('utf8', 0, nameEnd) !== SCRAM_SHA_256) {
        return refuse(SQLSTATE.protocolViolation, 'client selected an invalid SASL authentication mechanism');
      }
      const length = body.length >= nameEnd + 5 ? body.readInt32BE(nameEnd + 1) : -2;
      if (length < 0 || length !== body.length - nameEnd - 5) return refuse(SQLSTATE.protocolViolation, 'malformed SASLInitialResponse message');
      data = body.toString('utf8', nameEnd + 5);
    } else {
      data = body.toString('utf8');
    }
    const step = phase === 'sasl-initial' ? exchange.first(data) : exchange.final(data);
    if (!step.ok) {
      return step.failure === 'rejected'
        ? refuse(SQLSTATE.invalidPassword, `password authentication failed for user "${user}"`)
        : refuse(SQLSTATE.protocolViolation, step.detail);
    }
    if (phase === 'sasl-initial') {
      phase = 'sasl-final';
      socket.write(authenticationSaslContinue(step.reply));
      return;
    }
    socket.write(authenticationSaslFinal(step.reply));
    const rest = buffer;
    stop();
    clearTimeout(deadline);
    socket.off('error', onError);
    socket.pause();
    onAuthenticated(Buffer.concat([startupPacket, rest]));
  };

  /** The next complete message out of `buffer`, null while incomplete; refuses (and returns null) when it cannot be valid. */
  const nextMessage = (): Buffer | null => {
    const headerBytes = phase === 'startup' ? 4 : 5;
    if (buffer.length < headerBytes) return null;
    if (phase !== 'startup') {
      const type = buffer[0];
      if (type === 0x58) {
        stop(); // Terminate: the client gave up
        socket.end();
        return null;
      }
      if (type !== 0x70) {
        refuse(SQLSTATE.protocolViolation, `expected SASL response, got message type ${type}`);
        return null;
      }
    }
    const length = buffer.readInt32BE(headerBytes - 4);
    const minimum = phase === 'startup' ? 8 : 4;
    if (length < minimum || length > options.maxMessageBytes) {
      refuse(SQLSTATE.protocolViolation, phase === 'startup' ? 'invalid length of startup packet' : 'invalid message length');
      return null;
    }
    const total = headerBytes - 4 + length;
    if (buffer.length < total) return null;
    const message = buffer.subarray(0, total);
    buffer = buffer.subarray(total);
    return message;
  };

  function onData(chunk: Buffer): void {
    buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
    for (;;) {
      const message = nextMessage();
      if (message === null) break;
      if (phase === 'startup' || exchange === null) handleStartup(message);
      else handleSasl(exchange, message.subarray(5));
      if (phase === 'done') return;
    }
    // An honest client waits for each answer, so more than one message's worth pending is an abuse.
    if (phase !== 'done' && buffer.length > options.maxMessageBytes + 5) refuse(SQLSTATE.protocolViolation, 'too much data before authentication');
  }
  socket.on('data', onData);
}
