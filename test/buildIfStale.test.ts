import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

// npm start, key:* and import run the compiled code; they may only rebuild through `build.js --if-stale`.
test('the commands run dist/ and never call tsc or a full build themselves', () => {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(scripts.prepare).toBe('node scripts/build.js');
  for (const name of ['prestart', 'start', 'key:create', 'key:list', 'key:revoke', 'import']) {
    const steps = (scripts[name] ?? '').split('&&').map((step) => step.trim());
    expect([name, steps.filter((step) => /\btsc\b|npm run build|build\.js(?! --if-stale)/.test(step))]).toEqual([name, []]);
  }
});

// In a copy of the sources, so the dist/ other test files run is never rewritten under them.
test('build.js --if-stale compiles only when a source is newer than the last build', () => {
  const work = mkdtempSync(join(tmpdir(), 'fcrm-build-'));
  try {
    for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts', 'src', 'hooks', 'entities']) {
      cpSync(join(ROOT, entry), join(work, entry), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
    const build = (...args: string[]) => execFileSync(process.execPath, [join(work, 'scripts', 'build.js'), ...args], { cwd: work, timeout: 240_000 });
    const entry = join(work, 'dist', 'src', 'index.js');
    const past = new Date(Date.now() - 60_000);

    build();
    utimesSync(entry, past, past); // a rebuild would rewrite it
    build('--if-stale');
    expect(statSync(entry).mtimeMs).toBeLessThan(past.getTime() + 1_000); // untouched (the file system may round the time)

    const source = join(work, 'src', 'index.ts');
    const now = new Date(Date.now() + 1_000);
    utimesSync(source, now, now);
    build('--if-stale');
    expect(statSync(entry).mtimeMs).toBeGreaterThan(past.getTime() + 1_000); // rewritten just now
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}, 300_000);
