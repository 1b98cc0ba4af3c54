import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/**
 * Compiles dist/ when a source is newer (as `npm start` does), for tests that start many child
 * processes: loading the compiled package takes a fraction of ts-node's transpiling src/ per child.
 */
export function ensureBuilt(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.js'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
}

/** For a beforeAll that may compile: tsc takes ~8 s on a quiet box and minutes on a loaded one. */
export const BUILD_TIMEOUT_MS = 600_000;
