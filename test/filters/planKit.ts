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
