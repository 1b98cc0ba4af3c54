import { isAbsolute, resolve } from 'node:path';

/**
 * Where a FILE argument is. npm runs a package's scripts in the package's folder, so a path the
 * user typed relative to where they ran `npm run import` would be looked for in the wrong place:
 * npm says where that was in INIT_CWD. It is used only when npm is running this very script
 * (npm_lifecycle_event "import"): an INIT_CWD inherited from some other npm command (a test run, an
 * outer script) says nothing about this command line. Otherwise: the current folder.
 */
export function resolveInputPath(file: string, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  if (isAbsolute(file)) return file;
  const initCwd = env.npm_lifecycle_event === 'import' ? env.INIT_CWD?.trim() : undefined;
  return resolve(initCwd ? initCwd : cwd, file);
}
