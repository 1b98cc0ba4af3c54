/** Column limits, in characters (code points) for varchar columns and in UTF-8 bytes for `value`. */
export const LIMITS = {
  eventKey: 192,
  title: 192,
  provider: 50,
  valueBytes: 65_535,
} as const;

/** Cuts to at most `max` code points, never inside a surrogate pair. */
export function cutToCharacters(text: string, max: number): string {
  if (text.length <= max) return text;
  let units = 0;
  let count = 0;
  for (const char of text) {
    if (count === max) break;
    units += char.length;
    count += 1;
  }
  return text.slice(0, units);
}
