/**
 * Argument checks for the registry. Upstream validates the same things but only logs via
 * console.error and then does nothing; we throw instead, because a silently ignored
 * registration is a bug that surfaces far from its cause. Messages match upstream's wording.
 */

const NAMESPACE_PATTERN = /^[a-zA-Z][a-zA-Z0-9_.\-/]*$/;

export function assertNamespace(namespace: unknown): asserts namespace is string {
  if (typeof namespace !== 'string' || namespace === '') {
    throw new TypeError('The namespace must be a non-empty string.');
  }
  if (!NAMESPACE_PATTERN.test(namespace)) {
    throw new TypeError(
      'The namespace can only contain numbers, letters, dashes, periods, underscores and slashes.',
    );
  }
}

export function assertCallback(callback: unknown): asserts callback is (...args: unknown[]) => unknown {
  if (typeof callback !== 'function') {
    throw new TypeError('The hook callback must be a function.');
  }
}

/** Stricter than upstream in one respect: NaN is rejected, since it silently breaks ordering. */
export function assertPriority(priority: unknown): asserts priority is number {
  if (typeof priority !== 'number' || Number.isNaN(priority)) {
    throw new TypeError('If specified, the hook priority must be a number.');
  }
}
