import { bind, containsPattern } from './sqlText';

/**
 * FluentCRM's contact search: the text anywhere in the e-mail or the name, case-insensitively, its
 * LIKE wildcards taken literally. "First Last" is searched as one name, so "john do" finds John Doe.
 * Null for no search (missing or blank).
 */
export function contactSearchCondition(search: unknown, contactAlias: string, params: unknown[]): string | null {
  if (search === undefined || search === null) return null;
  const text = String(search).trim();
  if (text === '') return null;
  const pattern = `lower(${bind(params, containsPattern(text))}::text)`;
  const a = contactAlias;
  return `(lower(${a}.email) LIKE ${pattern} OR lower(concat_ws(' ', ${a}.first_name, ${a}.last_name)) LIKE ${pattern})`;
}
