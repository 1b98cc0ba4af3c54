export { createHookRegistry } from './registry';
export type { HookCallback, HookRegistry, ListenerErrorHandler } from './types';
export type {
  ActionListener,
  CheckedHookName,
  Delivery,
  FilterListener,
  FireDoneFlag,
  HookArgs,
  HookMap,
  KnownHookName,
  LooseHookCallback,
} from './hookMap';
export { encodeHookName, decodeHookName } from './hookNameCodec';
export {
  HOOKS,
  TRACK_EVENT_ACTIVITY,
  TRACK_EVENT_ACTIVITY_DONE,
  EVENT_TRACKED,
  TRACK_EVENT_ACTIVITY_FAILED,
  LISTENER_FAILED,
} from './hookNames';
export type { HookName } from './hookNames';
