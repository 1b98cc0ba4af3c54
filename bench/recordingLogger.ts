import type { Logger } from '../src';

/**
 * Silent like silentLogger, but remembers errors: the hook entrance never throws to its caller,
 * so a failed event would otherwise only show up as a missing row.
 */
export interface RecordingLogger extends Logger {
  readonly errors: Array<{ message: string; details: object }>;
}

export function recordingLogger(): RecordingLogger {
  const errors: Array<{ message: string; details: object }> = [];
  return {
    errors,
    error: (details, message) => {
      errors.push({ message, details });
    },
    warn: () => undefined,
    info: () => undefined,
  };
}
