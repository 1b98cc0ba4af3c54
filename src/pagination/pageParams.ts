import { FcrmError } from '../errors';

export const DEFAULT_PER_PAGE = 15;
/** The largest page a caller may ask for; FluentCRM has no bound (and answers 500 for 0 or -1). */
export const MAX_PER_PAGE = 100;

export interface PageParams {
  page: number;
  perPage: number;
}

/**
 * FluentCRM's paging rules: `page` below 1 or not a number is page 1. Ours for `per_page`, where
 * FluentCRM fails with a 500: anything but a whole number from 1 to MAX_PER_PAGE is an error.
 */
export function parsePageParams(input: { page?: unknown; per_page?: unknown } = {}): PageParams {
  return { page: parsePage(input.page), perPage: parsePerPage(input.per_page) };
}

function parsePage(raw: unknown): number {
  const page = wholeNumber(raw);
  return page !== null && page >= 1 ? page : 1;
}

function parsePerPage(raw: unknown): number {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_PER_PAGE;
  const perPage = wholeNumber(raw);
  if (perPage === null || perPage < 1 || perPage > MAX_PER_PAGE) {
    throw new FcrmError(
      'invalid_pagination',
      `per_page must be a whole number from 1 to ${MAX_PER_PAGE}; ${JSON.stringify(String(raw)).slice(0, 40)} was given.`,
    );
  }
  return perPage;
}

function wholeNumber(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? raw : null;
  if (typeof raw === 'string' && /^\s*[+-]?\d+\s*$/.test(raw)) {
    const value = Number(raw);
    return Number.isSafeInteger(value) ? value : null;
  }
  return null;
}
