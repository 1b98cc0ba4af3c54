/** A link of the paginator's `links` list (Laravel's LengthAwarePaginator, as FluentCRM 3.x sends it). */
export interface PageLink {
  url: string | null;
  label: string;
  active: boolean;
}

/** FluentCRM 3.x's paginator (a superset of the 2.9 keys the seed shows). */
export interface Paginator<T> {
  current_page: number;
  data: T[];
  first_page_url: string;
  from: number | null;
  last_page: number;
  last_page_url: string;
  links: PageLink[];
  next_page_url: string | null;
  path: string;
  per_page: number;
  prev_page_url: string | null;
  to: number | null;
  total: number;
}

export interface PaginatorInput<T> {
  data: T[];
  total: number;
  page: number;
  perPage: number;
  /**
   * The listing's URL without query string, with or without a trailing slash. The paginator's `path`
   * ends with the slash, and page links are `${path}?page=N`: `…/tracking-events/?page=2`, as
   * FluentCRM (WordPress) builds them.
   */
  path: string;
}

/** FluentCRM sends its previous/next labels untranslated: the translation keys themselves. */
export const PREVIOUS_LABEL = 'pagination.previous';
export const NEXT_LABEL = 'pagination.next';

/** The one place that builds the paginator shape, for the API and REST alike. */
export function buildPaginator<T>({ data, total, page, perPage, path: route }: PaginatorInput<T>): Paginator<T> {
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const path = route.endsWith('/') ? route : `${route}/`;
  const url = (n: number) => `${path}?page=${n}`;
  const from = data.length > 0 ? (page - 1) * perPage + 1 : null;
  return {
    current_page: page,
    data,
    first_page_url: url(1),
    from,
    last_page: lastPage,
    last_page_url: url(lastPage),
    links: pageLinks(page, lastPage, url),
    next_page_url: page < lastPage ? url(page + 1) : null,
    path,
    per_page: perPage,
    prev_page_url: page > 1 ? url(page - 1) : null,
    to: from === null ? null : from + data.length - 1,
    total,
  };
}

const ON_EACH_SIDE = 3;

/**
 * Laravel's link window: every page when there are few, otherwise the first two, the last two and
 * the pages around the current one, with "..." between.
 */
function pageLinks(page: number, lastPage: number, url: (n: number) => string): PageLink[] {
  const numbered = (n: number): PageLink => ({ url: url(n), label: String(n), active: n === page });
  const gap: PageLink = { url: null, label: '...', active: false };
  const range = (a: number, b: number) => {
    const links: PageLink[] = [];
    for (let n = a; n <= b; n++) links.push(numbered(n));
    return links;
  };

  const window = ON_EACH_SIDE + 4;
  let middle: PageLink[];
  if (lastPage < ON_EACH_SIDE * 2 + 8) {
    middle = range(1, lastPage);
  } else if (page <= window) {
    middle = [...range(1, window + ON_EACH_SIDE), gap, ...range(lastPage - 1, lastPage)];
  } else if (page > lastPage - window) {
    middle = [...range(1, 2), gap, ...range(lastPage - (window + ON_EACH_SIDE - 1), lastPage)];
  } else {
    middle = [...range(1, 2), gap, ...range(page - ON_EACH_SIDE, page + ON_EACH_SIDE), gap, ...range(lastPage - 1, lastPage)];
  }
  return [
    { url: page > 1 ? url(page - 1) : null, label: PREVIOUS_LABEL, active: false },
    ...middle,
    { url: page < lastPage ? url(page + 1) : null, label: NEXT_LABEL, active: false },
  ];
}
