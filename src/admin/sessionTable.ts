import { quoteIdent } from '../db/tableNames';

/** The schema-qualified, quoted name of the admin sessions table (migration and store share it). */
export function adminSessionsTable(schema: string): string {
  return `${quoteIdent(schema)}."fc_admin_sessions"`;
}
