/** Appends a value to the statement's parameters and returns its placeholder (`$N`). */
export function bind(params: unknown[], value: unknown): string {
  params.push(value);
  return `$${params.length}`;
}

/** A LIKE pattern that matches `text` anywhere, its own `%`, `_` and `\` taken literally (LIKE's default escape is `\`). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The caller's alias goes into SQL text, so it must be a plain identifier. */
export function assertIdentifier(name: string, what: string): void {
  if (!IDENTIFIER.test(name)) throw new TypeError(`${what} must be a plain SQL identifier, got ${JSON.stringify(name)}`);
}
