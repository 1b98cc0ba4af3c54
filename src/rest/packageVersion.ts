import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'fcrm-event-tracking';

/**
 * This package's version from its package.json, found by walking up from this file: the same code
 * runs from src/ (tests) and from dist/src/ (the build), at different depths.
 */
export function packageVersion(): string {
  let dir = __dirname;
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === PACKAGE_NAME && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // no package.json here: go up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`the ${PACKAGE_NAME} package.json was not found above ${__dirname}`);
    dir = parent;
  }
}
