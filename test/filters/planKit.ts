import { compileFilterGroups } from '../../src/filters';
import { tableNames } from '../../src/db/tableNames';
import type { TestRuntime } from '../helpers/testRuntime';

/** EXPLAIN (FORMAT JSON) plan nodes, walked, for tests that assert which indexes PostgreSQL uses. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

export function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

export const INDEX_NODES = ['Index Scan', 'Index Only Scan', 'Bitmap Index Scan'];

/** The three statement shapes a filter runs in: the listing's count, its page, one contact's check. */
export type FilterStatement = 'count' | 'page' | 'one contact';

/**
 * The plan nodes of a filter compiled into one of its statements, as the listing and the automation
 * check run it (`contactId` is the one contact's id; `now` the filter's clock).
 */
export async function filterPlan(
  t: TestRuntime,
  kind: FilterStatement,
  groups: unknown,
  options: { contactId: string; now?: Date; definitions?: boolean },
): Promise<PlanNode[]> {
  const tables = tableNames(t.schema);
  const params: unknown[] = kind === 'one contact' ? [options.contactId] : [];
  // `definitions`: compiled as the runtime compiles it, with its definitions' types and indexed properties.
  const snapshot = options.definitions ? t.rt.api('event_definitions').snapshot() : undefined;
  const where = compileFilterGroups(groups, {
    tables,
    contactAlias: 's',
    params,
    now: options.now,
    propertyType: snapshot && ((key, path) => snapshot.propertyType(key, path)),
    propertyIndexed: snapshot && ((key, path) => snapshot.propertyIndexed(key, path)),
  });
  const sql = {
    count: `SELECT count(*) FROM ${tables.subscribers} s WHERE ${where}`,
    page: `SELECT s.* FROM ${tables.subscribers} s WHERE ${where} ORDER BY s.id DESC LIMIT 15`,
    'one contact': `SELECT EXISTS (SELECT 1 FROM ${tables.subscribers} s WHERE s.id = $1 AND ${where})`,
  }[kind];
  const [{ 'QUERY PLAN': json }] = await t.sql<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  return nodes(json[0].Plan);
}

/** ANALYZE of the tables a filter plan reads, after a test's seed (the planner's statistics). */
export async function analyzeFilterTables(t: TestRuntime): Promise<void> {
  for (const table of ['fc_subscribers', 'fc_event_tracking', 'fc_event_occurrences']) await t.sql(`ANALYZE {schema}.${table}`);
}
