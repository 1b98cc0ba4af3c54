import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The server's pino logger. Requests are logged by method and path only: no query string (tracking
 * data can travel there), no headers (credentials), and bodies are never logged.
 */
export function createServerLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    serializers: {
      req: (request: { method?: string; url?: string; ip?: string }) => ({
        method: request.method,
        path: request.url?.split('?')[0],
        remoteAddress: request.ip,
      }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
