/**
 * Whether an error means the database connection failed (refused, cut, timed out, server shutting
 * down) rather than the statement being wrong: SQLSTATE class 08 (connection exception), 57P01-57P03
 * (shutdown, crash, cannot connect now), 57014 (statement timeout), and pg's own socket errors.
 */
export function isConnectionFailure(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (code.startsWith('08') || ['57P01', '57P02', '57P03', '57014'].includes(code))) return true;
  if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)) return true;
  return (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message)
  );
}
