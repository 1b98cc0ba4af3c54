import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareVersions, findPostgresBinaries } from './postgresBinaries';

// The restart test must find the server tools on any machine, and the newest version by number.
describe('findPostgresBinaries', () => {
  let root: string;
  const makeBin = (folder: string) => {
    mkdirSync(folder, { recursive: true });
    for (const tool of ['initdb', 'pg_ctl']) writeFileSync(join(folder, tool), '');
    return folder;
  };
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'fcrm-pgbin-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('versions sort as numbers: 15 is newer than 9.6', () => {
    expect(['9.6', '15', '10', '15.2', '9.10'].sort(compareVersions)).toEqual(['9.6', '9.10', '10', '15', '15.2']);
  });

  test('the Debian layout: the newest version by number', () => {
    makeBin(join(root, '9.6', 'bin'));
    const newest = makeBin(join(root, '15', 'bin'));
    mkdirSync(join(root, '16')); // a version folder without the tools is passed over
    expect(findPostgresBinaries({ env: { PATH: '' }, pgConfigBindir: () => null, debianRoot: root })).toBe(newest);
  });

  test('pg_config --bindir first, then PATH, FCRM_PG_BINDIR above all', () => {
    const fromPgConfig = makeBin(join(root, 'pgconfig'));
    const onPath = makeBin(join(root, 'path'));
    const explicit = makeBin(join(root, 'explicit'));
    makeBin(join(root, 'debian', '15', 'bin'));
    const search = { pgConfigBindir: () => fromPgConfig, debianRoot: join(root, 'debian') };
    expect(findPostgresBinaries({ ...search, env: { PATH: onPath } })).toBe(fromPgConfig);
    expect(findPostgresBinaries({ ...search, pgConfigBindir: () => null, env: { PATH: `/nowhere:${onPath}` } })).toBe(onPath);
    expect(findPostgresBinaries({ ...search, env: { PATH: onPath, FCRM_PG_BINDIR: explicit } })).toBe(explicit);
  });

  test('nothing found is null', () => {
    expect(findPostgresBinaries({ env: { PATH: '' }, pgConfigBindir: () => null, debianRoot: join(root, 'none') })).toBeNull();
  });
});
