import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The tools a dedicated cluster needs, side by side in one folder. */
const TOOLS = ['initdb', 'pg_ctl'];

export interface BinarySearch {
  env?: NodeJS.ProcessEnv;
  /** Answers `pg_config --bindir`, or null without pg_config. */
  pgConfigBindir?: () => string | null;
  /** Debian's layout: /usr/lib/postgresql/<version>/bin. */
  debianRoot?: string;
}

/**
 * Where the machine's PostgreSQL server tools are, or null: FCRM_PG_BINDIR when set, else
 * `pg_config --bindir`, else the folder of a `pg_ctl` on PATH, else the newest
 * /usr/lib/postgresql/<version>/bin (versions compared as numbers: 15 is newer than 9.6).
 */
export function findPostgresBinaries(search: BinarySearch = {}): string | null {
  const env = search.env ?? process.env;
  if (env.FCRM_PG_BINDIR) return hasTools(env.FCRM_PG_BINDIR) ? env.FCRM_PG_BINDIR : null;
  const fromPgConfig = (search.pgConfigBindir ?? pgConfigBindir)();
  if (fromPgConfig && hasTools(fromPgConfig)) return fromPgConfig;
  for (const folder of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (hasTools(folder)) return folder;
  }
  const root = search.debianRoot ?? '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const newestFirst = readdirSync(root)
    .filter((name) => /^\d+(\.\d+)*$/.test(name))
    .sort(compareVersions)
    .reverse();
  return newestFirst.map((version) => join(root, version, 'bin')).find(hasTools) ?? null;
}

/** Numeric, part by part: 9.6 < 10 < 15 < 15.2. */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function hasTools(folder: string): boolean {
  return TOOLS.every((tool) => existsSync(join(folder, tool)) || existsSync(join(folder, `${tool}.exe`)));
}

function pgConfigBindir(): string | null {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}
