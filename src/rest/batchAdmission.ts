import type { onRequestAsyncHookHandler } from 'fastify';
import { ServerBusyError } from '../errors';
import { AdmissionGate } from '../runtime/admissionGate';

export const DEFAULT_MAX_CONCURRENT_BATCHES = 2;

/**
 * Bounds the batches received, parsed and written at once (each body up to 10 MiB, several times that
 * once parsed): twelve concurrent 9 MiB batches all went through together before. Admission happens in
 * onRequest, before a byte of the body is read; the place is freed when the response is finished or
 * the connection closes, whichever comes first (a client that disconnects mid-body, a parse error, a
 * handler that throws all end there), so places cannot leak. Beyond the bound: 503 `server_busy` with
 * Retry-After, nothing read and nothing stored.
 */
export function batchAdmission(gate: AdmissionGate): onRequestAsyncHookHandler {
  return async function admitBatch(_request, reply) {
    const release = gate.tryEnter();
    if (!release) {
      throw new ServerBusyError(
        `${gate.limits.maxActive} batches are being processed already; nothing was read or stored: retry in a moment.`,
      );
    }
    // ServerResponse emits 'close' both after the response is sent and when the connection drops first.
    reply.raw.once('close', release);
  };
}

export function batchGate(maxConcurrentBatches = DEFAULT_MAX_CONCURRENT_BATCHES): AdmissionGate {
  return new AdmissionGate({ maxActive: maxConcurrentBatches, maxQueued: 0, maxWaitMs: 0 });
}
