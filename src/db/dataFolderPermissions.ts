import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/** A data folder that cannot be made private: the process does not own it, or cannot reach it. */
export class DataFolderError extends Error {
  readonly code = 'data_folder_not_private';
}

/**
 * Creates the embedded database's folder if needed and makes it and everything in it private to
 * this user (folders 0700, files 0600), whatever the umask: mkdir's mode is only a ceiling the
 * umask lowers further, so the modes are set explicitly. Says whether the folder existed and was
 * open to other users (any group or other bit on the folder itself: PostgreSQL's file names are
 * predictable, so even search permission exposes them), and how many entries had such bits.
 *
 * Files PostgreSQL creates later while it runs are not covered by a process umask (that would
 * change the files of the whole host process, and cannot be set in a worker thread): PostgreSQL
 * creates its relation and WAL files 0600 itself, the few it writes through fopen (such as its
 * relation cache file, written at start) come out 0644 (PGlite's own umask is 022),
 * and the 0700 folder keeps other users from all of them, as PostgreSQL's own data directory
 * check does. The runtime calls this again after PGlite opened the folder (its first-start
 * initdb unpacks files 0666) and after it closed it, so the folder is 0700/0600 at rest.
 */
export function makeDataFolderPrivate(dataDir: string): { wasOpen: boolean; loosened: number } {
  const created = !existsSync(dataDir);
  try {
    mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR });
    const root = realpathSync(dataDir); // a configured symbolic link: the folder it points to
    const wasOpen = !created && (lstatSync(root).mode & 0o077) !== 0;
    return { wasOpen, loosened: tighten(root) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    throw new DataFolderError(
      `Cannot make the data folder ${dataDir} private (${code}): run as the user that owns it, ` +
        `or fix it by hand (chmod -R go-rwx). Other local users must not be able to read or change the database.`,
    );
  }
}

/**
 * Sets every folder 0700 and file 0600 under `root` (symbolic links are left alone, not followed).
 * Entries that vanish meanwhile are skipped: a running server's PostgreSQL removes files (old WAL
 * segments, its relation cache file) while a CLI on the same folder runs this.
 */
function tighten(root: string): number {
  let loosened = 0;
  const folders = [root];
  while (folders.length > 0) {
    const folder = folders.pop()!;
    loosened += setMode(folder, PRIVATE_DIR);
    for (const entry of ignoreVanished(() => readdirSync(folder, { withFileTypes: true }), [])) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) folders.push(path);
      else if (entry.isFile()) loosened += setMode(path, PRIVATE_FILE);
    }
  }
  return loosened;
}

/** 1 when the entry was open to group or others. */
function setMode(path: string, mode: number): number {
  return ignoreVanished(() => {
    const current = lstatSync(path).mode & 0o777;
    if (current === mode) return 0;
    chmodSync(path, mode);
    return current & 0o077 ? 1 : 0;
  }, 0);
}

function ignoreVanished<T>(action: () => T, fallback: T): T {
  try {
    return action();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw error;
  }
}
