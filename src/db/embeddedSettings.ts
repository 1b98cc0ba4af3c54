/**
 * PostgreSQL settings the embedded database starts with. PGlite's default shared_buffers (128MB) is
 * allocated inside its WebAssembly memory and touched at start, so it is resident for the life of
 * the process whether the data needs it or not: 16MB keeps an idle server at about half the memory,
 * and the operating system's file cache still holds the data files PostgreSQL reads.
 */
export const DEFAULT_EMBEDDED_SHARED_BUFFERS = '16MB';

/** PostgreSQL's memory units, as `shared_buffers` accepts them (a bare number is in 8kB pages). */
const SIZE = /^[1-9][0-9]{0,6}(kB|MB|GB)$/;

/** Checks FCRM_EMBEDDED_SHARED_BUFFERS-style values (`16MB`, `512kB`, `1GB`); returns the value or throws. */
export function embeddedSharedBuffers(value: string | undefined): string {
  if (value === undefined || value.trim() === '') return DEFAULT_EMBEDDED_SHARED_BUFFERS;
  const trimmed = value.trim();
  if (!SIZE.test(trimmed)) {
    throw new TypeError(`FCRM_EMBEDDED_SHARED_BUFFERS must be a size such as 16MB, 512kB or 1GB; got ${JSON.stringify(value)}`);
  }
  return trimmed;
}

/** PGlite's own start parameters plus ours (given on the command line: PGlite rewrites postgresql.conf for `postgresqlconf`). */
export function embeddedStartParams(defaults: readonly string[], sharedBuffers: string): string[] {
  return [...defaults, '-c', `shared_buffers=${sharedBuffers}`];
}
