import { existsSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EventTrackingRuntime } from '../createEventTracking';
import type { Plugin, PluginContext, PluginSpec } from './pluginTypes';

const EXTENSIONS = new Set(['.js', '.cjs', '.mjs']);

/**
 * A plugin that could not be loaded or failed while registering; `plugin` names it (its path, or the
 * function's name). The operator's problem, not a client's, so not an FcrmError.
 */
export class PluginError extends Error {
  readonly code = 'plugin_failed' as const;

  constructor(
    readonly plugin: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`plugin ${plugin} ${problem}`, options);
    this.name = 'PluginError';
  }
}

/**
 * TypeScript compiles `import()` to `require()` under CommonJS, and `require()` cannot load an
 * ES module (.mjs) on every supported Node 20. A function built at run time is not rewritten by the
 * compiler, so this is Node's real dynamic import, which loads .js, .cjs and .mjs alike.
 */
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

/** Loads and runs the plugins one after another, in the order given; the first failure rejects with a PluginError. */
export async function loadPlugins(specs: readonly PluginSpec[], rt: EventTrackingRuntime, context: PluginContext, cwd = process.cwd()): Promise<void> {
  for (const spec of specs) {
    const name = typeof spec === 'string' ? spec : spec.name || '(anonymous plugin function)';
    const plugin = typeof spec === 'string' ? await importPlugin(spec, cwd) : spec;
    if (typeof plugin !== 'function') throw new PluginError(name, 'is not a function');
    try {
      await plugin(rt, context);
    } catch (error) {
      throw new PluginError(name, `threw: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

async function importPlugin(path: string, cwd: string): Promise<Plugin> {
  const file = isAbsolute(path) ? path : resolve(cwd, path);
  if (!EXTENSIONS.has(extname(file))) throw new PluginError(path, 'must be a .js, .cjs or .mjs file');
  if (!existsSync(file)) throw new PluginError(path, `was not found (looked for ${file})`);
  let loaded: Record<string, unknown>;
  try {
    loaded = await dynamicImport(pathToFileURL(file).href);
  } catch (error) {
    throw new PluginError(path, `could not be loaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // ESM: the default export. CommonJS: import() gives module.exports as `default`; a transpiled
  // `export default` sits one level deeper (module.exports.default).
  let exported = loaded.default;
  if (typeof exported !== 'function' && exported && typeof exported === 'object' && typeof (exported as { default?: unknown }).default === 'function') {
    exported = (exported as { default: unknown }).default;
  }
  if (typeof exported !== 'function') {
    throw new PluginError(path, `does not export a function (default export or module.exports); got ${exported === null ? 'null' : typeof exported}`);
  }
  return exported as Plugin;
}
