import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * PGlite must be opened by one process at a time. The process that opens a data folder records its
 * pid and loopback URL here, so a second process on the same folder (say `npm run key:create` while
 * the server runs) connects to the running one instead of opening the files twice. The URL has no
 * password: the connecting process reads that from the password file (embeddedPassword.ts).
 */
export interface EmbeddedOwner {
  pid: number;
  url: string;
  /** The REST API's base URL when the owner is a server (recorded once it listens). */
  server?: string;
}

const FILE = 'fcrm-embedded-server.json';

export function readOwner(dataDir: string): EmbeddedOwner | null {
  try {
    const owner = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as Partial<EmbeddedOwner>;
    if (typeof owner.pid !== 'number' || typeof owner.url !== 'string') return null;
    if (!isAlive(owner.pid)) return null;
    return typeof owner.server === 'string' ? { pid: owner.pid, url: owner.url, server: owner.server } : { pid: owner.pid, url: owner.url };
  } catch {
    return null;
  }
}

export function writeOwner(dataDir: string, owner: EmbeddedOwner): void {
  const path = join(dataDir, FILE);
  writeFileSync(path, JSON.stringify(owner), { mode: 0o600 });
  chmodSync(path, 0o600); // the mode above applies only when the file is new
}

/** Adds the REST API's address to this process's owner file, so a second server can name it. */
export function recordServer(dataDir: string, server: string): void {
  const owner = readOwner(dataDir);
  if (owner && owner.pid === process.pid) writeOwner(dataDir, { ...owner, server });
}

export function removeOwner(dataDir: string): void {
  rmSync(join(dataDir, FILE), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
