import type { ContactRecord } from '../contacts/contactRecord';
import type { TrackedEventRecord } from '../tracking/eventRecord';
import type { AddEventData } from './addEvent';

/** What an automation's handler receives for one run. */
export interface AutomationRun {
  automationId: string;
  /** The event that started the run, as the done action delivered it. */
  event: TrackedEventRecord;
  /** The contact the automation runs for. */
  subscriber: ContactRecord;
  /** The row in fc_automation_runs that records this run. */
  runId: number;
  /** FluentCRM Pro's "Add Event" action, for this run's contact (fireDone defaults to true). */
  addEvent(data: AddEventData, fireDone?: boolean): Promise<TrackedEventRecord>;
}

/** An automation's actions. A throw or rejection is reported; it never undoes the event. */
export type AutomationHandler = (run: AutomationRun) => void | Promise<void>;
