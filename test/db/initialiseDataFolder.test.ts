import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialiseDataFolderInChild, needsInitialisation } from '../../src/db/initialiseDataFolder';
import { DEFAULT_EMBEDDED_SHARED_BUFFERS, embeddedSharedBuffers, embeddedStartParams } from '../../src/db/embeddedSettings';

// PGlite's first open of a folder (initdb) runs in a child process, so its memory leaves with the
// child; the figures are in BENCHMARKS.md (npm run bench:memory), not asserted here.
describe('initialising an embedded data folder in a child process', () => {
  test('the child runs initdb in the folder, and this process has not loaded PGlite for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcrm-init-'));
    try {
      const dataDir = join(dir, 'data');
      expect(needsInitialisation(dataDir)).toBe(true);
      await initialiseDataFolderInChild(dataDir);
      expect(needsInitialisation(dataDir)).toBe(false);
      expect(Object.keys(require.cache).some((path) => path.includes('@electric-sql/pglite'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test("a child that fails rejects with the folder and the child's error", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcrm-init-'));
    try {
      const notAFolder = join(dir, 'file');
      writeFileSync(notAFolder, 'x');
      await expect(initialiseDataFolderInChild(notAFolder)).rejects.toThrow(`Initialising the embedded database in ${notAFolder} failed (exit 1)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('embedded settings', () => {
  test('shared_buffers defaults to 16MB, takes PostgreSQL sizes, refuses anything else', () => {
    expect(embeddedSharedBuffers(undefined)).toBe(DEFAULT_EMBEDDED_SHARED_BUFFERS);
    expect(embeddedSharedBuffers(' 128MB ')).toBe('128MB');
    expect(embeddedSharedBuffers('512kB')).toBe('512kB');
    expect(() => embeddedSharedBuffers('16 MB')).toThrow('FCRM_EMBEDDED_SHARED_BUFFERS must be a size such as 16MB, 512kB or 1GB; got "16 MB"');
    expect(() => embeddedSharedBuffers('-1MB')).toThrow(TypeError);
  });

  test("PGlite's own start parameters are kept and shared_buffers is added on the command line", () => {
    expect(embeddedStartParams(['--single', '-F'], '16MB')).toEqual(['--single', '-F', '-c', 'shared_buffers=16MB']);
  });
});
