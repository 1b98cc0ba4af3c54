/**
 * How statements that answer in JSON carry a timestamp: whole milliseconds since the epoch, a JSON
 * number. As ISO 8601 text it would cost `new Date()` ~3× more to read (two dates per event row).
 * Floored, as pg's own timestamp parsing cuts to the millisecond; numeric arithmetic, so whole
 * seconds stay whole.
 */
export function epochMsSql(column: string): string {
  return `floor(extract(epoch from ${column}) * 1000)`;
}
