/**
 * Event keys as NATS subject tokens. A token may not be empty nor contain `.`, `*`, `>` or
 * whitespace, and some characters are awkward in tools, so only [A-Za-z0-9_-] pass as they are;
 * every other character becomes `~` and the two upper-case hex digits of each of its UTF-8 bytes
 * (`order.paid` → `order~2Epaid`, `~` → `~7E`, `é` → `~C3~A9`). The mapping is one-to-one, so a
 * consumer filters on `encodeSubjectToken(key)` and `decodeSubjectToken` gives the key back.
 */
const PLAIN = /^[A-Za-z0-9_-]$/;

export function encodeSubjectToken(key: string): string {
  let token = '';
  for (const char of key) {
    if (PLAIN.test(char)) {
      token += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) token += `~${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  // Event keys are never empty (the tracker requires one); a lone `~` keeps even that a valid token.
  return token === '' ? '~' : token;
}

export function decodeSubjectToken(token: string): string {
  if (token === '~') return '';
  if (!/^(?:[A-Za-z0-9_-]|~[0-9A-F]{2})+$/.test(token)) throw new TypeError(`not an encoded event key: ${JSON.stringify(token)}`);
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i += 1) {
    if (token[i] === '~') {
      bytes.push(parseInt(token.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(token.charCodeAt(i));
    }
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
}

/** The subject a done action of `eventKey` is published on. */
export function doneActionSubject(subjectPrefix: string, eventKey: string): string {
  return `${subjectPrefix}.${encodeSubjectToken(eventKey)}`;
}
