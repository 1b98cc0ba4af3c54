/** Error codes a caller can branch on; the same codes FluentCRM answers with where it has one. */
export type ErrorCode =
  | 'invalid_data'
  | 'subscriber_not_found'
  | 'value_too_long'
  | 'invalid_pagination'
  | 'not_found'
  | 'credential_exists'
  | 'invalid_filter'
  | 'invalid_sort'
  | 'invalid_automation'
  | 'automation_failed'
  | 'automation_loop'
  | 'runtime_closed'
  | 'idempotency_key_mismatch'
  | 'invalid_properties'
  | 'invalid_definition'
  | 'subscriber_suppressed';

/**
 * A failure the caller caused (bad input, unknown contact). It carries a stable `code` and a message
 * that says what to change; REST turns it into FluentCRM's 422/404 bodies. Anything else thrown is
 * ours (or the database's), never the caller's.
 */
export class FcrmError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'FcrmError';
    this.code = code;
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export const MESSAGES = {
  invalidData: 'Invalid data provided. key and event are required',
  subscriberNotFound: 'Subscriber not found',
  currentSubscriberNotFound: 'Current Subscriber could not be found',
} as const;

export function isFcrmError(error: unknown): error is FcrmError {
  return error instanceof FcrmError;
}

/**
 * The database could not be reached or dropped the connection mid-call (a restart, a failover, a
 * timeout). Not the caller's fault, so not an FcrmError: REST answers 503. A write cut off this way
 * may or may not have committed, which the message says, so callers retry with an idempotency key;
 * a read (`kind: 'read'`) changed nothing and is simply retried.
 */
export class DatabaseUnavailableError extends Error {
  readonly code = 'database_unavailable' as const;

  constructor(cause: unknown, kind: 'write' | 'read' = 'write') {
    const reason = cause instanceof Error ? cause.message || (cause as { code?: string }).code || cause.name : String(cause);
    super(
      kind === 'write'
        ? `The database is unavailable (${reason}). The event may not have been stored: retry the call, with an idempotency_key so that a retry cannot count twice.`
        : `The database is unavailable (${reason}). Nothing was changed: retry the call in a moment.`,
      { cause },
    );
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * Too much of one kind of work is running already (listings, batches): the caller was refused before
 * anything was done, so retrying later is always safe. REST answers 503 with `Retry-After`.
 */
export class ServerBusyError extends Error {
  readonly code = 'server_busy' as const;

  constructor(message: string) {
    super(message);
    this.name = 'ServerBusyError';
  }
}
