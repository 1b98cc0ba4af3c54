import { AsyncLocalStorage } from 'node:async_hooks';

/** Receives a listener's error during an isolated dispatch, with the PHP-style hook name. */
export type ListenerErrorHandler = (error: unknown, hookName: string) => void;

type Listener = (...args: unknown[]) => unknown;

/**
 * Set only while the engine itself walks an isolated dispatch's listeners. Module-level on
 * purpose: a registry never runs another registry's listeners, and on Node 20 every
 * AsyncLocalStorage instance stays in the propagation list for good, so one per registry would leak.
 */
const isolationScope = new AsyncLocalStorage<ListenerErrorHandler | undefined>();

/** Runs `dispatch` so the listeners it reaches report their errors to `onError` instead of throwing. */
export function runIsolated<T>(onError: ListenerErrorHandler, dispatch: () => T): T {
  return isolationScope.run(onError, dispatch);
}

/**
 * Wraps a listener so an isolated dispatch can contain its failures. Outside isolation the
 * wrapper is transparent: throws propagate and promises are returned as they are.
 */
export function isolatableListener(callback: Listener, hookName: string): Listener {
  return (...args: unknown[]): unknown => {
    const onError = isolationScope.getStore();
    if (onError === undefined) {
      return callback(...args);
    }
    let result: unknown;
    try {
      // The listener body runs with the scope cleared, so hooks it fires itself (including its
      // async continuations) keep ordinary semantics unless they ask for isolation themselves.
      result = isolationScope.run(undefined, () => callback(...args));
    } catch (error) {
      report(onError, error, hookName);
      return undefined;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        () => undefined,
        (error: unknown) => report(onError, error, hookName),
      );
    }
    return undefined;
  };
}

/**
 * The handler also runs with the scope cleared, so hooks it fires are not silently isolated.
 * If the handler itself throws, that rejects the dispatch: it is the caller's bug, not a listener's.
 */
function report(onError: ListenerErrorHandler, error: unknown, hookName: string): void {
  isolationScope.run(undefined, () => onError(error, hookName));
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
