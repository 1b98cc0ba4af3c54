import { createHooks } from '@wordpress/hooks';
import { encodeHookName } from './hookNameCodec';
import { createHookKind } from './hookKind';
import { isolatableListener, runIsolated } from './isolation';
import type { HookRegistry } from './types';

// Re-exported so consumers can import the factory and its types from one module.
export type { HookCallback, HookRegistry, ListenerErrorHandler } from './types';

const DEFAULT_PRIORITY = 10;
const settled = (): void => undefined;

/**
 * A registry backed by its own `@wordpress/hooks` instance: the engine keeps priorities
 * (lower first, ties in insertion order), namespaces, run counts and current-hook tracking;
 * this layer only translates names, validates strictly and adds isolated dispatch.
 * The engine's debug `all` hook is never registered (encoded names cannot spell it).
 */
export function createHookRegistry(): HookRegistry {
  const engine = createHooks();
  // Only actions are wrapped: isolation is an action concept, and filters need their
  // callbacks' return values untouched.
  const actions = createHookKind(engine, 'actions', isolatableListener);
  const filters = createHookKind(engine, 'filters');

  return {
    addAction: (hookName, namespace, callback, priority = DEFAULT_PRIORITY) =>
      actions.add(hookName, namespace, callback, priority),
    removeAction: (hookName, namespace) => actions.remove(hookName, namespace),
    removeAllActions: (hookName) => actions.removeAll(hookName),
    hasAction: (hookName, namespace) => actions.has(hookName, namespace),
    didAction: (hookName) => actions.did(hookName),
    currentAction: () => actions.current(),
    doingAction: (hookName) => actions.doing(hookName),

    doAction(hookName, ...args) {
      engine.doAction(encodeHookName(hookName), ...args);
    },
    doActionAsync(hookName, ...args) {
      // Upstream returns undefined, not a promise, when nothing is registered.
      return Promise.resolve(engine.doActionAsync(encodeHookName(hookName), ...args)).then(settled);
    },
    doActionIsolated(hookName, onError, ...args) {
      const encoded = encodeHookName(hookName);
      if (typeof onError !== 'function') {
        throw new TypeError('The listener error handler must be a function.');
      }
      // The engine's own async runner does the walking, so order, didAction and
      // currentAction behave exactly as in doActionAsync; the scope tells the wrappers
      // added by addAction to report failures instead of throwing them.
      const run = runIsolated(onError, () => engine.doActionAsync(encoded, ...args));
      return Promise.resolve(run).then(settled);
    },

    addFilter: (hookName, namespace, callback, priority = DEFAULT_PRIORITY) =>
      filters.add(hookName, namespace, callback, priority),
    removeFilter: (hookName, namespace) => filters.remove(hookName, namespace),
    removeAllFilters: (hookName) => filters.removeAll(hookName),
    hasFilter: (hookName, namespace) => filters.has(hookName, namespace),
    didFilter: (hookName) => filters.did(hookName),
    currentFilter: () => filters.current(),
    doingFilter: (hookName) => filters.doing(hookName),

    applyFilters<T>(hookName: string, value: T, ...args: unknown[]): T {
      return engine.applyFilters(encodeHookName(hookName), value, ...args) as T;
    },
    applyFiltersAsync<T>(hookName: string, value: T, ...args: unknown[]): Promise<T> {
      // Without callbacks upstream returns `value` itself rather than a promise.
      return Promise.resolve(engine.applyFiltersAsync(encodeHookName(hookName), value, ...args) as T);
    },
  };
}
