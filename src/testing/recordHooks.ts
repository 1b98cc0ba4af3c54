import { HOOKS } from '../../hooks/hookNames';
import type { HookRegistry } from '../../hooks/registry';

/** One call of a recorded hook: its name and the arguments it was fired with (as passed, not copied). */
export interface HookCall {
  hook: string;
  args: unknown[];
}

export interface HookRecorder {
  /** Every recorded call, across all recorded hooks, in the order they were fired. */
  readonly calls: readonly HookCall[];
  /** The argument lists of one hook's calls, in order. */
  of(hook: string): unknown[][];
  /** Forgets the calls recorded so far; recording goes on. */
  clear(): void;
  /** Removes the recording listeners; the calls stay readable. */
  stop(): void;
}

let recorders = 0;

/**
 * Records every call of the named actions (default: every action the runtime fires, HOOKS) on
 * `rt.hooks`. The recording listener runs first (priority 1), so it sees the arguments before
 * other listeners act on them; it never changes them.
 */
export function recordHooks(rt: { hooks: HookRegistry }, hooks: readonly string[] = Object.values(HOOKS)): HookRecorder {
  const namespace = `fcrm-event-tracking/testing/recorder-${++recorders}`;
  const calls: HookCall[] = [];
  const names = [...new Set(hooks)];
  for (const hook of names) {
    rt.hooks.addAction(hook, namespace, (...args: unknown[]) => void calls.push({ hook, args }), 1);
  }
  let stopped = false;
  return {
    calls,
    of: (hook) => calls.filter((call) => call.hook === hook).map((call) => call.args),
    clear: () => void calls.splice(0, calls.length),
    stop() {
      if (stopped) return;
      stopped = true;
      for (const hook of names) rt.hooks.removeAction(hook, namespace);
    },
  };
}
