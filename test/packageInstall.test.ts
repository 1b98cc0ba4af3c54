import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The code block after `<!-- package test: NAME -->` in the README: the test runs what users read. */
function readmeSnippet(name: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const match = readme.match(new RegExp(`<!-- package test: ${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\`\\n`));
  if (!match) throw new Error(`README has no snippet marked "package test: ${name}"`);
  return match[1];
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'fcrm-pack-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

// npm pack → npm install <tarball> → tsc --strict → node, as a user of the package would.
test('the packed tarball installs, and the README snippets compile (tsc --strict) and run from ESM and CommonJS', () => {
  // Packed from a copy of the sources, so prepare builds there and never rewrites the dist/ that
  // other test files (npm start) run at the same time; the dependencies are the project's own.
  const project = join(work, 'project');
  for (const entry of ['package.json', 'package-lock.json', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'scripts', 'src', 'hooks', 'entities']) {
    cpSync(join(ROOT, entry), join(project, entry), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
  const packed = run('npm', ['pack', '--json', '--pack-destination', work], project);
  const [{ filename, files }] = JSON.parse(packed.slice(packed.indexOf('[\n'))) as [{ filename: string; files: Array<{ path: string }> }];
  const paths = files.map((file) => file.path);
  expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/testing/index.js', 'dist/src/testing/index.d.ts']));
  expect(paths.filter((path) => !/^(dist\/|package\.json$|README\.md$)/.test(path) || path.endsWith('.map') || path.includes('.build-stamp'))).toEqual([]);

  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  run('npm', ['install', join(work, filename), '--no-audit', '--no-fund', '--prefer-offline', '--no-save'], consumer);

  writeFileSync(join(consumer, 'esm.ts'), readmeSnippet('esm'));
  writeFileSync(join(consumer, 'testing.ts'), readmeSnippet('testing'));
  writeFileSync(join(consumer, 'cjs.cjs'), readmeSnippet('cjs')); // plain JavaScript, type-checked through checkJs
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        allowJs: true,
        checkJs: true,
        outDir: 'out',
        skipLibCheck: true,
        typeRoots: [join(ROOT, 'node_modules', '@types')],
        types: ['node'],
      },
      files: ['esm.ts', 'testing.ts', 'cjs.cjs'],
    }),
  );
  run(process.execPath, [TSC, '-p', 'tsconfig.json', '--strict'], consumer);

  // Anywhere: the embedded database (in ./.fcrm-data of the consumer, or in memory), no DATABASE_URL.
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.FCRM_DATA_DIR;
  const lastLine = (text: string) => text.trim().split('\n').pop();
  expect(lastLine(run(process.execPath, ['out/esm.js'], consumer, env))).toBe('1 event, counter 2');
  expect(lastLine(run(process.execPath, ['out/cjs.cjs'], consumer, env))).toBe('event 1, counter 1');
  expect(lastLine(run(process.execPath, ['out/testing.js'], consumer, env))).toBe('1');
  // The same entry points by plain require and import, with their named exports.
  const probe = `const m = require('fcrm-event-tracking'); const t = require('fcrm-event-tracking/testing');
    import('fcrm-event-tracking/testing').then((e) => console.log(typeof m.createEventTracking, typeof t.createTestRuntime, typeof e.recordHooks));`;
  expect(run(process.execPath, ['--input-type=commonjs', '-e', probe], consumer, env).trim()).toBe('function function function');
}, 600_000);
