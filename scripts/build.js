#!/usr/bin/env node
// `node scripts/build.js`: compiles src, hooks and entities into dist/ (tsconfig.build.json) and
// stamps the build. `--if-stale`: compiles only when a source or tsconfig is newer than the stamp,
// so npm start, key:* and import run the compiled code without paying for tsc (about 8 s) each time.
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const STAMP = join(ROOT, 'dist', '.build-stamp');
const SOURCES = ['src', 'hooks', 'entities'];
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json'];

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

/** Newest modification time under `dir` (directories too, so a deleted file counts). */
function newest(dir) {
  let latest = mtime(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : mtime(path));
  }
  return latest;
}

function isStale() {
  const built = mtime(STAMP);
  if (built < 0) return true;
  const sources = Math.max(...SOURCES.map((dir) => newest(join(ROOT, dir))), ...CONFIGS.map((file) => mtime(join(ROOT, file))));
  return sources > built;
}

const ifStale = process.argv.includes('--if-stale');
if (ifStale && !isStale()) process.exit(0);
// A full build (prepare, prepack) starts from an empty dist/, so a deleted source leaves no file in the package.
if (!ifStale) rmSync(join(ROOT, 'dist'), { recursive: true, force: true });

// The stamp carries the time tsc started: a source saved during the build still counts as newer.
const startedAt = new Date();
const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
mkdirSync(join(ROOT, 'dist'), { recursive: true });
writeFileSync(STAMP, `${startedAt.toISOString()}\n`);
utimesSync(STAMP, startedAt, startedAt);
