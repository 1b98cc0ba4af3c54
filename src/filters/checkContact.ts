import type { DataSource } from 'typeorm';
import type { TableNames } from '../db/tableNames';
import type { PropertyIndexedResolver, PropertyTypeResolver } from '../properties/propertyTest';
import { toDatabaseId } from '../tracking/contactReference';
import { compileFilterGroups } from './compileFilterGroups';

/**
 * Whether one contact satisfies the filter groups (automation conditions): one query, the same SQL
 * the contact listing uses. No groups (or only empty items) → true when the contact exists.
 * A malformed filter rejects with FcrmError('invalid_filter'); an id that is no id → false.
 */
export async function checkContactMatches(
  db: DataSource,
  tables: TableNames,
  subscriberId: number | string,
  groups: unknown,
  now?: Date,
  propertyType?: PropertyTypeResolver,
  propertyIndexed?: PropertyIndexedResolver,
): Promise<boolean> {
  const id = toDatabaseId(subscriberId);
  const params: unknown[] = [id];
  const condition = compileFilterGroups(groups, { tables, contactAlias: 's', params, now, propertyType, propertyIndexed }) ?? 'TRUE';
  if (id === null) return false;
  const rows: Array<{ matches: boolean }> = await db.query(
    `SELECT EXISTS (SELECT 1 FROM ${tables.subscribers} s WHERE s.id = $1 AND ${condition}) AS matches`,
    params,
  );
  return rows[0]?.matches === true;
}
