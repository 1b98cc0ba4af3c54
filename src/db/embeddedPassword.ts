import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded database's password lives in its data folder, readable by the owner only (0600,
 * inside the 0700 folder): the serving process, `key:create` and `import` read it from there.
 * It is never printed, logged, or written into the owner file.
 */
export const PASSWORD_FILE = 'fcrm-embedded-password';

const VALID = /^[A-Za-z0-9_-]{43,}$/; // base64url of at least 32 bytes

/** A base64url password of 32 random bytes (used directly for the in-memory database). */
export function newEmbeddedPassword(): string {
  return randomBytes(32).toString('base64url');
}

export class EmbeddedPasswordError extends Error {
  readonly code = 'embedded_password_unreadable';
}

/** The data folder's password, made on its first start. */
export function readOrCreatePassword(dataDir: string): string {
  const path = join(dataDir, PASSWORD_FILE);
  const existing = readPassword(path);
  if (existing !== null) return existing;
  // Written whole under a private name, then linked into place: a concurrent first start, or a
  // reader, never sees a half-written file, and the first link wins (link never overwrites).
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(temporary, `${newEmbeddedPassword()}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  const created = readPassword(path);
  if (created === null) throw new EmbeddedPasswordError(`The embedded database's password file ${path} vanished while it was being created.`);
  return created;
}

function readPassword(path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new EmbeddedPasswordError(
      `Cannot read the embedded database's password file ${path} (${code}): run as the user that owns the data folder.`,
    );
  }
  if (!VALID.test(text)) {
    throw new EmbeddedPasswordError(
      `The embedded database's password file ${path} is damaged. Stop every process using this data folder, ` +
        `delete the file and start again: a new password is made (nothing else depends on it).`,
    );
  }
  return text;
}
