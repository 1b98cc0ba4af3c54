import { AsyncLocalStorage } from 'node:async_hooks';

/** Where a tracking call came in: the label of `fcrm_events_tracked_total{entrance}`. */
export type Entrance = 'hook' | 'api' | 'rest' | 'batch' | 'import';

/** How a tracked item ended: the label of `fcrm_events_tracked_total{result}`. */
export type TrackResultLabel = 'stored' | 'replayed' | 'rejected';

const entrances = new AsyncLocalStorage<Entrance>();

/**
 * Runs `fn` as calls of `entrance` (the REST routes, the importer): `api('event_tracker')` counts
 * its calls under it instead of `api`. The API reads it once per call and leaves it (see
 * `outsideEntrance`), so an automation tracking an event from a done action counts as `api`.
 */
export function withEntrance<T>(entrance: Entrance, fn: () => T): T {
  return entrances.run(entrance, fn);
}

/** The entrance of the calls made here; `api` when nobody said. */
export function currentEntrance(): Entrance {
  return entrances.getStore() ?? 'api';
}

/** Runs `fn` (and everything it starts: the listeners) without the caller's entrance. */
export function outsideEntrance<T>(fn: () => T): T {
  return entrances.getStore() === undefined ? fn() : entrances.exit(fn);
}
