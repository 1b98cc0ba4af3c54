import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

// `require('fcrm-event-tracking')` after `npm run build`: main and types point at the compiled entry.
test('the build emits the entry package.json names, with declarations', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    main: string;
    types: string;
    exports: Record<string, { types: string; default: string } | string>;
  };
    // Inside node_modules so the compiled files resolve the project's dependencies.
  const out = mkdtempSync(join(ROOT, 'node_modules', '.fcrm-build-'));
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out], { cwd: ROOT });
    const relative = (p: string) => p.replace(/^dist\//, '');
    expect(existsSync(join(out, relative(pkg.types)))).toBe(true);
    const entry = require(join(out, relative(pkg.main))) as Record<string, unknown>;
    expect(typeof entry.createEventTracking).toBe('function');
    expect(typeof entry.createHookRegistry).toBe('function');
    expect(entry.HOOKS).toMatchObject({ TRACK_EVENT_ACTIVITY: 'fluent_crm/track_event_activity' });
    // Every entry of the exports map (`.` and `./testing`) points at emitted code and declarations.
    const targets = Object.values(pkg.exports).flatMap((target) => (typeof target === 'string' ? [] : [target.types, target.default]));
    expect(targets).toEqual(expect.arrayContaining(['./dist/src/testing/index.js', './dist/src/testing/index.d.ts']));
    for (const target of targets) expect([target, existsSync(join(out, relative(target.replace(/^\.\//, ''))))]).toEqual([target, true]);
    const testing = require(join(out, 'src', 'testing', 'index.js')) as Record<string, unknown>;
    expect([typeof testing.createTestRuntime, typeof testing.recordHooks]).toEqual(['function', 'function']);
    const types = readFileSync(join(out, relative(pkg.types)), 'utf8');
    expect(types).toContain('createEventTracking');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
