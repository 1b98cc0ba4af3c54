import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const GENERATED_PASSWORD_LENGTH = 24;

/**
 * A new application password: 24 characters of [A-Za-z0-9] (about 143 bits), with no separators so
 * `curl -u name:password` works exactly as printed. randomInt draws without modulo bias.
 */
export function generatePassword(): string {
  let password = '';
  for (let i = 0; i < GENERATED_PASSWORD_LENGTH; i += 1) password += ALPHABET[randomInt(ALPHABET.length)];
  return password;
}

/** WordPress shows application passwords in groups of four separated by spaces; they are not part of it. */
export function withoutSpaces(password: string): string {
  return password.replace(/ /g, '');
}
