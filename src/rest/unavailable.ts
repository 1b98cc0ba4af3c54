import { isConnectionFailure } from '../db/connectionFailure';
import { DatabaseUnavailableError, ServerBusyError } from '../errors';
import type { FcrmErrorBody } from './errorBodies';

/** Seconds a client is asked to wait before retrying a 503. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * The one mapping of "not now" failures to 503 for every route: a database that cannot be reached,
 * a pool that had no connection within its timeout, a statement timeout (57014), a connection cut
 * mid-call, or too much work of one kind already running. FluentCRM's `{message, error_code}` shape,
 * the same on reads and writes. Null for anything else.
 */
export function unavailableAnswer(error: unknown, method: string): { body: FcrmErrorBody; kind: string } | null {
  if (error instanceof ServerBusyError || error instanceof DatabaseUnavailableError) {
    return { body: { message: error.message, error_code: error.code }, kind: error.code };
  }
  if (!connectionFailureIn(error)) return null;
  const wrapped = new DatabaseUnavailableError(error, method === 'GET' || method === 'HEAD' ? 'read' : 'write');
  return { body: { message: wrapped.message, error_code: wrapped.code }, kind: wrapped.code };
}

/** TypeORM wraps the driver's error (QueryFailedError keeps it as `driverError`); others chain `cause`. */
function connectionFailureIn(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    if (isConnectionFailure(current)) return true;
    const { driverError, cause } = current as { driverError?: unknown; cause?: unknown };
    current = driverError ?? cause;
  }
  return false;
}
