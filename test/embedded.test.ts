import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrations } from '../src/db/migrations';

const ROOT = join(__dirname, '..');
const ALL_MIGRATIONS = migrations.map((migration) => migration.name);
const SCRIPT = join(__dirname, 'fixtures', 'embeddedProcess.ts');

/** Runs the fixture in a fresh Node process without DATABASE_URL, so the embedded database starts. */
function runFixture(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean }> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.FCRM_DATA_DIR;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', SCRIPT, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // A process that does not end by itself within the limit left a handle open.
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, killed: signal === 'SIGKILL' });
    });
  });
}

function lastJsonLine(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line);
}

// The start-up and migration path on the embedded database (PGlite on loopback), end to end.
describe('embedded database (no DATABASE_URL)', () => {
  test('in memory: starts, migrates, tracks through the hook, lists, and closes leaving nothing running', async () => {
    const run = await runFixture(['memory']);
    expect({ killed: run.killed, code: run.code, stderr: run.stderr }).toEqual({ killed: false, code: 0, stderr: '' });
    expect(lastJsonLine(run.stdout)).toEqual({
      kind: 'embedded',
      counter: '1',
      total: 1,
      migrations: ALL_MIGRATIONS,
    });
  });

  test('in a data folder: the data survives a restart and migrations are not applied twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcrm-embedded-'));
    try {
      const first = await runFixture(['folder', join(dir, 'data')]);
      expect({ killed: first.killed, code: first.code, stderr: first.stderr }).toEqual({ killed: false, code: 0, stderr: '' });
      expect(lastJsonLine(first.stdout)).toMatchObject({ counter: '1', total: 1 });
      expect(readdirSync(join(dir, 'data')).length).toBeGreaterThan(0);

      const second = await runFixture(['folder', join(dir, 'data')]);
      expect({ killed: second.killed, code: second.code, stderr: second.stderr }).toEqual({ killed: false, code: 0, stderr: '' });
      expect(lastJsonLine(second.stdout)).toEqual({
        kind: 'embedded',
        counter: '2',
        total: 1,
        migrations: ALL_MIGRATIONS,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
