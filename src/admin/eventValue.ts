import { html, type SafeHtml } from './html';

/** At most this many pairs of a structured value are shown; the rest is summarised. */
const MAX_PAIRS = 40;
const MAX_DEPTH = 6;

/**
 * An event value for people: JSON objects and arrays (as the tracker stores structured values) as
 * key/value pairs with dot paths, anything else as text. Escaped like every value: `html` does it.
 */
export function renderEventValue(value: string): SafeHtml {
  const structured = parseStructured(value);
  if (!structured) return html`<span class="value">${value === '' ? html`<span class="muted">(empty)</span>` : value}</span>`;
  const pairs: Array<[string, string]> = [];
  let more = 0;
  flatten(structured, '', 0, (path, text) => {
    if (pairs.length < MAX_PAIRS) pairs.push([path, text]);
    else more += 1;
  });
  if (pairs.length === 0) return html`<span class="value muted">${value}</span>`;
  return html`<dl class="pairs">${pairs.map(([path, text]) => html`<dt>${path}</dt><dd>${text}</dd>`)}</dl>${
    more > 0 ? html`<span class="muted">… and ${more} more</span>` : ''
  }`;
}

function parseStructured(value: string): object | null {
  const first = value.trimStart()[0];
  if (first !== '{' && first !== '[') return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null ? parsed : null;
  } catch {
    return null;
  }
}

function flatten(value: unknown, path: string, depth: number, emit: (path: string, text: string) => void): void {
  if (typeof value === 'object' && value !== null && depth < MAX_DEPTH) {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) emit(path || '(root)', Array.isArray(value) ? '[]' : '{}');
    for (const [key, child] of entries) flatten(child, path ? `${path}.${key}` : key, depth + 1, emit);
    return;
  }
  emit(path || '(value)', typeof value === 'string' ? value : JSON.stringify(value));
}
