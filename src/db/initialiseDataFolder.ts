import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** A data folder PostgreSQL has never been initialised in (initdb writes PG_VERSION). */
export function needsInitialisation(dataDir: string): boolean {
  return !existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * What the child runs: PGlite's first open of a folder runs initdb (a second WASM instance) and
 * leaves the process's WebAssembly memory at ~800 MiB, which WebAssembly never gives back. Done in a
 * short-lived child, that memory goes with the child; the server then opens an initialised folder
 * (~150 MiB). Inline code, so the same path works from the compiled package and from sources.
 */
const CHILD_CODE = `
const [pglitePath, dataDir] = process.argv.slice(1);
require(pglitePath).PGlite.create(dataDir).then((db) => db.close()).then(
  () => process.exit(0),
  (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); },
);`;

/** How much of a failed child's stderr goes into the error. */
const MAX_STDERR = 4_000;

/** Runs PGlite's initdb on `dataDir` in a child process and resolves once the child exited cleanly. */
export function initialiseDataFolderInChild(dataDir: string): Promise<void> {
  const pglitePath = require.resolve('@electric-sql/pglite');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD_CODE, pglitePath, dataDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
      // The parent's flags (say a test runner's loaders) are not needed for plain CommonJS.
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`Initialising the embedded database in ${dataDir} failed (${signal ?? `exit ${code}`}): ${stderr.slice(0, MAX_STDERR).trim()}`));
    });
  });
}
