import { quoteIdent } from '../db/tableNames';

/** The schema-qualified, quoted name of the automation runs table (migration and store share it). */
export function automationRunsTable(schema: string): string {
  return `${quoteIdent(schema)}."fc_automation_runs"`;
}

/** Longest automation id the table (and so the registry) accepts. */
export const AUTOMATION_ID_MAX = 100;

/** A run is `started` once claimed, then `completed` or `failed` when its handler settles. */
export const RUN_STATUSES = ['started', 'completed', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
