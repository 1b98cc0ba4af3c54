/**
 * Reversible, injective mapping between PHP-style hook names (`fluent_crm/track_event_activity`)
 * and names `@wordpress/hooks` accepts (/^[a-zA-Z][a-zA-Z0-9_.-]*$/, not starting with `__`).
 *
 * Encoded form: the prefix `h-`, then each UTF-16 code unit of the name as
 *   - itself, for [A-Za-z0-9_-] (so ordinary names stay readable),
 *   - `.2e` for `.` and `.2f` for `/` (the common separators get short escapes),
 *   - `.u` + 4 lowercase hex digits, for anything else.
 * `.` never appears except as the start of an escape, so decoding is unambiguous.
 * The prefix supplies the leading letter the engine requires and, because it contains `-`,
 * can never produce the engine's own hook names (`all`, `hookAdded`, `hookRemoved`).
 */

const PREFIX = 'h-';
const LITERAL_CHAR = /^[A-Za-z0-9_-]$/;
const UNICODE_ESCAPE = /^u[0-9a-f]{4}$/;
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '.': '.2e', '/': '.2f' };
const SHORT_UNESCAPES: Readonly<Record<string, string>> = { '2e': '.', '2f': '/' };

/** Same wording as upstream, so messages read the same whichever layer rejects the name. */
export const INVALID_HOOK_NAME_MESSAGE = 'The hook name must be a non-empty string.';

export function assertHookName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(INVALID_HOOK_NAME_MESSAGE);
  }
}

/** Every doAction encodes its name; a program uses few, so they are remembered (up to a bound). */
const encodedNames = new Map<string, string>();
const MAX_REMEMBERED = 1024;

export function encodeHookName(name: string): string {
  assertHookName(name);
  const known = encodedNames.get(name);
  if (known !== undefined) return known;
  const encoded = encode(name);
  if (encodedNames.size < MAX_REMEMBERED) encodedNames.set(name, encoded);
  return encoded;
}

function encode(name: string): string {
  let encoded = PREFIX;
  // Index-based loop: walks UTF-16 code units, so even lone surrogates round-trip.
  for (let i = 0; i < name.length; i++) {
    const char = name[i];
    if (LITERAL_CHAR.test(char)) {
      encoded += char;
    } else {
      encoded += SHORT_ESCAPES[char] ?? '.u' + name.charCodeAt(i).toString(16).padStart(4, '0');
    }
  }
  return encoded;
}

export function decodeHookName(encoded: string): string {
  if (typeof encoded !== 'string' || !encoded.startsWith(PREFIX) || encoded.length === PREFIX.length) {
    throw new TypeError(`Not an encoded hook name: ${JSON.stringify(encoded)}`);
  }
  let name = '';
  let i = PREFIX.length;
  while (i < encoded.length) {
    if (encoded[i] !== '.') {
      name += encoded[i];
      i += 1;
      continue;
    }
    const short = SHORT_UNESCAPES[encoded.slice(i + 1, i + 3)];
    const unicode = encoded.slice(i + 1, i + 6);
    if (short !== undefined) {
      name += short;
      i += 3;
    } else if (UNICODE_ESCAPE.test(unicode)) {
      name += String.fromCharCode(parseInt(unicode.slice(1), 16));
      i += 6;
    } else {
      throw new TypeError(`Malformed escape in encoded hook name: ${JSON.stringify(encoded)}`);
    }
  }
  // Only the canonical spelling decodes (e.g. `.u002f` for `/` is rejected), which keeps
  // encode and decode exact inverses of each other.
  if (encodeHookName(name) !== encoded) {
    throw new TypeError(`Not a canonical encoded hook name: ${JSON.stringify(encoded)}`);
  }
  return name;
}
