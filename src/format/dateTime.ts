const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * FluentCRM's date format, "YYYY-MM-DD HH:MM:SS", in the configured time zone (UTC by default).
 * Throws a RangeError for an unknown zone, which the runtime checks once at start-up.
 */
export function formatDateTime(date: Date, timeZone: string): string {
  // Records repeat few instants (the now() a statement gave its rows, a contact's dates): remember them.
  let zone = recent.get(timeZone);
  if (!zone) recent.set(timeZone, (zone = new Map()));
  const time = date.getTime();
  let text = zone.get(time);
  if (text === undefined) {
    text = format(date, timeZone);
    if (zone.size >= MAX_REMEMBERED) zone.clear();
    zone.set(time, text);
  }
  return text;
}

const recent = new Map<string, Map<number, string>>();
const MAX_REMEMBERED = 4096;

function format(date: Date, timeZone: string): string {
  if (timeZone === 'UTC') return date.toISOString().slice(0, 19).replace('T', ' ');
  const parts = formatterFor(timeZone).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  const hour = part('hour') === '24' ? '00' : part('hour');
  return `${part('year')}-${part('month')}-${part('day')} ${hour}:${part('minute')}:${part('second')}`;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}
