import { FcrmError } from '../errors';

/**
 * The columns GET /subscribers sorts by (FluentCRM's `sort_by`): the contact table's own columns.
 * Each maps to a fixed SQL expression below; what a caller sends is only ever a key of this map.
 */
export const CONTACT_SORT_COLUMNS = ['id', 'email', 'first_name', 'last_name', 'status', 'user_id', 'created_at', 'updated_at'] as const;
export type ContactSortColumn = (typeof CONTACT_SORT_COLUMNS)[number];
export type SortDirection = 'ASC' | 'DESC';

export interface ContactSort {
  column: ContactSortColumn;
  direction: SortDirection;
}

/** FluentCRM's default: newest contact first. */
export const DEFAULT_CONTACT_SORT: ContactSort = { column: 'id', direction: 'DESC' };

/** A bad `sort_by` or `sort_type`; REST answers 422 naming the parameter. */
export class InvalidSortError extends FcrmError {
  constructor(
    readonly param: 'sort_by' | 'sort_type',
    message: string,
  ) {
    super('invalid_sort', message);
  }
}

/**
 * `sort_by` (a column of CONTACT_SORT_COLUMNS, any case) and `sort_type` (ASC or DESC, any case);
 * missing or empty: id, DESC. Anything else throws InvalidSortError.
 */
export function parseContactSort(input: { sort_by?: unknown; sort_type?: unknown }): ContactSort {
  return { column: columnOf(input.sort_by), direction: directionOf(input.sort_type) };
}

function columnOf(raw: unknown): ContactSortColumn {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_CONTACT_SORT.column;
  const name = typeof raw === 'string' ? raw.trim().toLowerCase() : null;
  const column = CONTACT_SORT_COLUMNS.find((known) => known === name);
  if (!column) throw new InvalidSortError('sort_by', `sort_by must be one of ${CONTACT_SORT_COLUMNS.join(', ')}; ${shown(raw)} was given.`);
  return column;
}

function directionOf(raw: unknown): SortDirection {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_CONTACT_SORT.direction;
  const direction = typeof raw === 'string' ? raw.trim().toUpperCase() : null;
  if (direction !== 'ASC' && direction !== 'DESC') throw new InvalidSortError('sort_type', `sort_type must be ASC or DESC; ${shown(raw)} was given.`);
  return direction;
}

function shown(raw: unknown): string {
  return JSON.stringify(typeof raw === 'string' ? raw : String(raw)).slice(0, 40);
}

/**
 * The ORDER BY of a contact listing over `alias`. Text compares lower-cased, as FluentCRM's MySQL
 * (case-insensitive collation) does and the same on PostgreSQL and PGlite whatever their collation;
 * NULL sorts lowest, as in MySQL; equal values are ordered by id in the same direction, so pages
 * never overlap or skip a contact.
 */
export function contactOrderBy(sort: ContactSort, alias: string): string {
  const expression: Record<ContactSortColumn, string> = {
    id: `${alias}.id`,
    email: `lower(${alias}.email)`,
    first_name: `lower(${alias}.first_name)`,
    last_name: `lower(${alias}.last_name)`,
    status: `${alias}.status`,
    user_id: `${alias}.user_id`,
    created_at: `${alias}.created_at`,
    updated_at: `${alias}.updated_at`,
  };
  const direction = sort.direction === 'ASC' ? 'ASC' : 'DESC';
  if (sort.column === 'id') return `${alias}.id ${direction}`;
  const nulls = direction === 'ASC' ? 'NULLS FIRST' : 'NULLS LAST';
  return `${expression[sort.column]} ${direction} ${nulls}, ${alias}.id ${direction}`;
}
