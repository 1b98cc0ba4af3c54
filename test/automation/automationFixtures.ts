import type { EventTrackingRuntime } from '../../src';
import type { TestRuntime } from '../helpers/testRuntime';

/** Tracks `event_key`/`title` for a contact through the PHP API, firing the done action by default. */
export function trackFor(rt: EventTrackingRuntime, subscriberId: number, event_key: string, title = 'Title', fireDone = true) {
  return rt.api('event_tracker').track({ event_key, title, subscriber_id: subscriberId }, fireDone);
}

export interface RunRow {
  automation_id: string;
  subscriber_id: string;
  event_id: string | null;
  run_once: boolean;
  status: string;
  error: string | null;
}

/** The recorded runs, read with SQL rather than through the code under test. */
export function runRows(t: TestRuntime, automationId?: string): Promise<RunRow[]> {
  return t.sql<RunRow>(
    `SELECT automation_id, subscriber_id, event_id, run_once, status, error
       FROM {schema}.fc_automation_runs
      WHERE $1::text IS NULL OR automation_id = $1
      ORDER BY id`,
    [automationId ?? null],
  );
}

/** An advanced-filter group list: "has an event whose key is one of `keys`". */
export function hasEventKey(...keys: string[]): unknown[] {
  return [[{ source: ['event_tracking', 'event_tracking_key'], operator: 'in', value: keys }]];
}
