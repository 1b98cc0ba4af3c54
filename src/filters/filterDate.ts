export const DAY_MS = 86_400_000;

/**
 * The start of the last `days` days before `now`, as ISO text: filters take "now" from an injected
 * clock and pass the window's start as a parameter, so SQL never calls now().
 */
export function daysBefore(now: Date, days: number): string {
  return new Date(now.getTime() - days * DAY_MS).toISOString();
}

/** A point in time given in a filter, and whether it named a whole day (no time of day). */
export interface FilterMoment {
  at: Date;
  wholeDay: boolean;
}

const MOMENT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * An ISO date (`2026-01-31`) or date-time (`2026-01-31T14:00`, `2026-01-31 14:00:05`, with an
 * optional `Z` or `±hh:mm` offset). Without an offset the time is UTC. Null when it is not one,
 * including impossible dates such as 2026-02-30.
 */
export function parseFilterMoment(raw: string): FilterMoment | null {
  return parseMomentText(raw.trim());
}

/** The regular expression of the date forms, for SQL that must accept exactly the same texts. */
export const MOMENT_PATTERN = MOMENT;

/** As parseFilterMoment, without trimming: a property's text is taken as it is (SQL does not trim it either). */
export function parseMomentText(text: string): FilterMoment | null {
  const m = MOMENT.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  // Milliseconds cut from the digits (not via floating point), so SQL can compute the same.
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  // PostgreSQL has no year 0, so the earliest accepted date is 0001-01-01.
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, millis);
  // setUTCFullYear rolls 2026-02-30 over to March; a rolled date was not a real one.
  if (utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) return null;
  const offset = m[8] ? offsetMinutes(m[8]) : 0;
  if (offset === null) return null;
  return { at: new Date(utc.getTime() - offset * 60_000), wholeDay: m[4] === undefined };
}

function offsetMinutes(zone: string): number | null {
  if (zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return null;
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}
