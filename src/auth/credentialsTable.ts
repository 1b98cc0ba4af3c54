import { quoteIdent } from '../db/tableNames';

/** The schema-qualified, quoted name of the credentials table (migration and store share it). */
export function credentialsTable(schema: string): string {
  return `${quoteIdent(schema)}."fc_api_credentials"`;
}
