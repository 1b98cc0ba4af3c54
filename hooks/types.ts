import type { ListenerErrorHandler } from './isolation';
import type {
  ActionListener,
  CheckedHookName,
  FilterListener,
  HookArgs,
  HookMap,
  KnownHookName,
  LooseHookCallback,
} from './hookMap';

export type { ListenerErrorHandler };

/**
 * A callback of a hook whose arguments are not in HookMap (kept for existing imports). Hooks in
 * HookMap take `ActionListener<'fluent_crm/…'>` / `FilterListener<…>` instead.
 */
export type HookCallback = LooseHookCallback;

/**
 * `@wordpress/hooks` behind PHP-style hook names (`fluent_crm/track_event_activity`).
 * Every `hookName` is a PHP-style name; invalid names, namespaces, callbacks or priorities
 * throw a TypeError instead of being logged and ignored.
 *
 * Types: a name in HookMap gets its argument tuple (listener parameters are inferred, `doAction`
 * checks the arguments); a `fluent_crm/` name missing from HookMap is a compile error; any other
 * string is a loose hook with `unknown` arguments. The checks are compile-time only.
 */
export interface HookRegistry {
  addAction<N extends string>(hookName: CheckedHookName<N>, namespace: string, callback: ActionListener<N>, priority?: number): void;
  /** Removes every callback `namespace` added to the hook; returns how many were removed. */
  removeAction<N extends string>(hookName: CheckedHookName<N>, namespace: string): number;
  removeAllActions<N extends string>(hookName: CheckedHookName<N>): number;
  /** True when a callback is registered (for `namespace`, if given). */
  hasAction<N extends string>(hookName: CheckedHookName<N>, namespace?: string): boolean;
  /** How many times the action has been run, with or without callbacks. */
  didAction<N extends string>(hookName: CheckedHookName<N>): number;
  doAction<N extends string>(hookName: CheckedHookName<N>, ...args: HookArgs<N>): void;
  /** Runs callbacks one at a time, awaiting each; always returns a promise. */
  doActionAsync<N extends string>(hookName: CheckedHookName<N>, ...args: HookArgs<N>): Promise<void>;
  /**
   * Like doActionAsync, but a callback that throws or rejects is reported to `onError` and
   * the remaining callbacks still run; the promise resolves once all have settled.
   */
  doActionIsolated<N extends string>(hookName: CheckedHookName<N>, onError: ListenerErrorHandler, ...args: HookArgs<N>): Promise<void>;
  /** PHP-style name of the innermost action being run, or null. */
  currentAction(): string | null;
  /** Whether `hookName` (or, without it, any action) is being run. */
  doingAction<N extends string>(hookName?: CheckedHookName<N>): boolean;

  addFilter<N extends string>(hookName: CheckedHookName<N>, namespace: string, callback: FilterListener<N>, priority?: number): void;
  removeFilter<N extends string>(hookName: CheckedHookName<N>, namespace: string): number;
  removeAllFilters<N extends string>(hookName: CheckedHookName<N>): number;
  hasFilter<N extends string>(hookName: CheckedHookName<N>, namespace?: string): boolean;
  didFilter<N extends string>(hookName: CheckedHookName<N>): number;
  /** Passes the value (first argument) through the callbacks by priority. */
  applyFilters<N extends KnownHookName>(hookName: N, ...args: HookMap[N]): HookMap[N][0];
  /** A loose hook: the type of `value` is the caller's promise. */
  applyFilters<T, N extends string = string>(hookName: LooseHookName<N>, value: T, ...args: unknown[]): T;
  applyFiltersAsync<N extends KnownHookName>(hookName: N, ...args: HookMap[N]): Promise<HookMap[N][0]>;
  applyFiltersAsync<T, N extends string = string>(hookName: LooseHookName<N>, value: T, ...args: unknown[]): Promise<T>;
  currentFilter(): string | null;
  doingFilter<N extends string>(hookName?: CheckedHookName<N>): boolean;
}

/** A name outside HookMap (and outside `fluent_crm/`): the loose overloads of applyFilters. */
type LooseHookName<N extends string> = N extends KnownHookName ? never : CheckedHookName<N>;
