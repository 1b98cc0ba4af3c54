/** `fcrm-event-tracking/testing`: helpers for tests of plugins, automations and listeners. */
export { createTestRuntime } from './createTestRuntime';
export type { TestRuntime } from './createTestRuntime';
export { recordHooks } from './recordHooks';
export type { HookCall, HookRecorder } from './recordHooks';
