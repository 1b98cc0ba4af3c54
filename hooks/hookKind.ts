import type { Hooks } from '@wordpress/hooks';
import { decodeHookName, encodeHookName } from './hookNameCodec';
import { assertCallback, assertNamespace, assertPriority } from './hookArgs';

type Listener = (...args: unknown[]) => unknown;
type WrapListener = (callback: Listener, hookName: string) => Listener;

/** The bookkeeping half of one hook kind (actions or filters); running hooks differs per kind. */
export interface HookKind {
  add(hookName: string, namespace: string, callback: unknown, priority: unknown): void;
  remove(hookName: string, namespace: string): number;
  removeAll(hookName: string): number;
  has(hookName: string, namespace?: string): boolean;
  did(hookName: string): number;
  current(): string | null;
  doing(hookName?: string): boolean;
}

const ENGINE_METHODS = {
  actions: {
    add: 'addAction',
    remove: 'removeAction',
    removeAll: 'removeAllActions',
    has: 'hasAction',
    did: 'didAction',
    current: 'currentAction',
    doing: 'doingAction',
  },
  filters: {
    add: 'addFilter',
    remove: 'removeFilter',
    removeAll: 'removeAllFilters',
    has: 'hasFilter',
    did: 'didFilter',
    current: 'currentFilter',
    doing: 'doingFilter',
  },
} as const;

/**
 * Binds one kind of `engine` to PHP-style names. Everything is validated before the engine
 * sees it, so the engine never takes its log-and-ignore path.
 */
export function createHookKind(
  engine: Hooks,
  kind: keyof typeof ENGINE_METHODS,
  wrapListener: WrapListener = (callback) => callback,
): HookKind {
  const method = ENGINE_METHODS[kind];
  return {
    add(hookName, namespace, callback, priority) {
      const encoded = encodeHookName(hookName);
      assertNamespace(namespace);
      assertCallback(callback);
      assertPriority(priority);
      engine[method.add](encoded, namespace, wrapListener(callback, hookName), priority);
    },
    remove(hookName, namespace) {
      const encoded = encodeHookName(hookName);
      assertNamespace(namespace);
      return engine[method.remove](encoded, namespace) ?? 0;
    },
    removeAll(hookName) {
      const encoded = encodeHookName(hookName);
      // Upstream's type demands a namespace that removing all ignores.
      const removeAll = engine[method.removeAll] as (hookName: string) => number | undefined;
      return removeAll(encoded) ?? 0;
    },
    has(hookName, namespace) {
      const encoded = encodeHookName(hookName);
      if (namespace !== undefined) {
        return engine[method.has](encoded, namespace);
      }
      // Upstream answers true for any hook it has merely seen (run once, or emptied by
      // removeAll); like PHP's has_action, we answer whether a callback is registered.
      return (engine[kind][encoded]?.handlers.length ?? 0) > 0;
    },
    did(hookName) {
      return engine[method.did](encodeHookName(hookName)) ?? 0;
    },
    current() {
      const encoded = engine[method.current]();
      return encoded === null ? null : decodeHookName(encoded);
    },
    doing(hookName) {
      return engine[method.doing](hookName === undefined ? undefined : encodeHookName(hookName));
    },
  };
}
