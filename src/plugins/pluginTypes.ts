import type { EventTrackingRuntime } from '../createEventTracking';
import type { Logger } from '../runtime/logger';
import type { ServerConfig } from '../server/config';

/** What a plugin gets besides the runtime. */
export interface PluginContext {
  /** The server's logger (pino under `npm start`). */
  logger: Logger;
  /** The server's configuration; `databaseUrl` has its password masked (`***`). */
  config: Readonly<ServerConfig>;
}

/**
 * A plugin: registers automations (`rt.automations.onEventRecorded`) and listeners (`rt.hooks.addAction`)
 * before the server listens. A module listed in FCRM_PLUGINS exports one as its default export or as
 * `module.exports`.
 */
export type Plugin = (rt: EventTrackingRuntime, context: PluginContext) => void | Promise<void>;

/** A plugin function, or the path of a module exporting one (relative to the current directory or absolute). */
export type PluginSpec = Plugin | string;
