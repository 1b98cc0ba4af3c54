/**
 * How statements that answer in JSON carry a timestamp: whole milliseconds since the epoch, a JSON
 * number. pg would otherwise hand ISO 8601 text to `new Date()`, whose parser costs ~3× more than a
 * number per date (two dates per event row). Floored, as pg's own Date parsing truncates.
 */
export function epochMsSql(column: string): string {
  return `floor(extract(epoch from ${column}) * 1000)`;
}
