import type { ListenerErrorHandler } from './isolation';

export type { ListenerErrorHandler };

/**
 * Any function works as a hook callback. `never[]` parameters let typed callbacks such as
 * `(event: TrackedEvent, subscriber: Subscriber) => void` be passed without casts; the engine
 * cannot check argument types against what `doAction` passes anyway.
 */
export type HookCallback = (...args: never[]) => unknown;

/**
 * `@wordpress/hooks` behind PHP-style hook names (`fluent_crm/track_event_activity`).
 * Every `hookName` is a PHP-style name; invalid names, namespaces, callbacks or priorities
 * throw a TypeError instead of being logged and ignored.
 */
export interface HookRegistry {
  addAction(hookName: string, namespace: string, callback: HookCallback, priority?: number): void;
  /** Removes every callback `namespace` added to the hook; returns how many were removed. */
  removeAction(hookName: string, namespace: string): number;
  removeAllActions(hookName: string): number;
  /** True when a callback is registered (for `namespace`, if given). */
  hasAction(hookName: string, namespace?: string): boolean;
  /** How many times the action has been run, with or without callbacks. */
  didAction(hookName: string): number;
  doAction(hookName: string, ...args: unknown[]): void;
  /** Runs callbacks one at a time, awaiting each; always returns a promise. */
  doActionAsync(hookName: string, ...args: unknown[]): Promise<void>;
  /**
   * Like doActionAsync, but a callback that throws or rejects is reported to `onError` and
   * the remaining callbacks still run; the promise resolves once all have settled.
   */
  doActionIsolated(hookName: string, onError: ListenerErrorHandler, ...args: unknown[]): Promise<void>;
  /** PHP-style name of the innermost action being run, or null. */
  currentAction(): string | null;
  /** Whether `hookName` (or, without it, any action) is being run. */
  doingAction(hookName?: string): boolean;

  addFilter(hookName: string, namespace: string, callback: HookCallback, priority?: number): void;
  removeFilter(hookName: string, namespace: string): number;
  removeAllFilters(hookName: string): number;
  hasFilter(hookName: string, namespace?: string): boolean;
  didFilter(hookName: string): number;
  /** Passes `value` through the callbacks by priority; the type is the caller's promise. */
  applyFilters<T>(hookName: string, value: T, ...args: unknown[]): T;
  applyFiltersAsync<T>(hookName: string, value: T, ...args: unknown[]): Promise<T>;
  currentFilter(): string | null;
  doingFilter(hookName?: string): boolean;
}
