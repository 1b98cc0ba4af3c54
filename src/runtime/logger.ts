/** The logging the runtime needs; pino's (and Fastify's) logger fits as it is. */
export interface Logger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export const consoleLogger: Logger = {
  error: (details, message) => console.error(`[fcrm-event-tracking] ${message}`, details),
  warn: (details, message) => console.warn(`[fcrm-event-tracking] ${message}`, details),
  info: (details, message) => console.info(`[fcrm-event-tracking] ${message}`, details),
};

export const silentLogger: Logger = { error() {}, warn() {}, info() {} };

/** What may be logged of an error: never a body or a credential, only what identifies the failure. */
export function describeError(error: unknown): { error: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { error: `${error.name}: ${error.message}`, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { error: String(error) };
}
