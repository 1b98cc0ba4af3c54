/**
 * Property paths as the `event_tracking_property` filter writes them: segments joined by dots, a dot
 * inside a key written `\.` and a backslash `\\`, so every path reads back to the segments it came
 * from (`{"a.b": {"c": 1}}` → `a\.b.c`).
 */
export function formatPropertyPath(segments: readonly string[]): string {
  return segments.map((segment) => segment.replace(/\\/g, '\\\\').replace(/\./g, '\\.')).join('.');
}

/** The most segments a property path has (the filter's bound). */
export const MAX_PATH_SEGMENTS = 10;
