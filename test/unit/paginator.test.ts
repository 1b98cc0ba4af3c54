import { FcrmError } from '../../src';
import { parsePageParams } from '../../src/pagination/pageParams';
import { buildPaginator } from '../../src/pagination/paginator';

const route = '/wp-json/fluent-crm/v2/subscribers/1/tracking-events';
// FluentCRM's page URLs: the route with a slash before the query.
const path = `${route}/`;
const labels = (page: number, lastPage: number) =>
  buildPaginator({ data: [1], total: lastPage * 10, page, perPage: 10, path: route }).links.map((l) => l.label);

describe('buildPaginator', () => {
  test('links: previous, every page when there are few, next; the current page is active', () => {
    const p = buildPaginator({ data: [1, 2], total: 12, page: 2, perPage: 10, path: route });
    expect(p.links).toEqual([
      { url: `${path}?page=1`, label: 'pagination.previous', active: false },
      { url: `${path}?page=1`, label: '1', active: false },
      { url: `${path}?page=2`, label: '2', active: true },
      { url: null, label: 'pagination.next', active: false },
    ]);
    expect(p).toMatchObject({ from: 11, to: 12, last_page: 2, next_page_url: null, prev_page_url: `${path}?page=1`, path });
    expect(p.first_page_url).toBe(`${route}/?page=1`);
  });

  test('a route given with its trailing slash gets no second one', () => {
    const p = buildPaginator({ data: [1], total: 30, page: 2, perPage: 10, path });
    expect(p).toMatchObject({ path, first_page_url: `${path}?page=1`, next_page_url: `${path}?page=3`, prev_page_url: `${path}?page=1`, last_page_url: `${path}?page=3` });
    expect(p.links.map((link) => link.url)).toEqual([`${path}?page=1`, `${path}?page=1`, `${path}?page=2`, `${path}?page=3`, `${path}?page=3`]);
  });

  test("Laravel's window for many pages: start, around the current page, end", () => {
    expect(labels(1, 20)).toEqual(['pagination.previous', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '...', '19', '20', 'pagination.next']);
    expect(labels(10, 20)).toEqual(['pagination.previous', '1', '2', '...', '7', '8', '9', '10', '11', '12', '13', '...', '19', '20', 'pagination.next']);
    expect(labels(20, 20)).toEqual(['pagination.previous', '1', '2', '...', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', 'pagination.next']);
    expect(labels(1, 13)).toHaveLength(15); // 13 pages: all listed
  });

  test('an empty result has one page, and from/to null', () => {
    expect(buildPaginator({ data: [], total: 0, page: 1, perPage: 15, path: route })).toMatchObject({
      last_page: 1,
      from: null,
      to: null,
      last_page_url: `${path}?page=1`,
    });
  });
});

describe('parsePageParams', () => {
  test.each([
    [{}, { page: 1, perPage: 15 }],
    [{ page: '3', per_page: '20' }, { page: 3, perPage: 20 }],
    [{ page: 0 }, { page: 1, perPage: 15 }],
    [{ page: -2 }, { page: 1, perPage: 15 }],
    [{ page: 'abc' }, { page: 1, perPage: 15 }],
    [{ page: 2.5 }, { page: 1, perPage: 15 }],
    [{ per_page: 100 }, { page: 1, perPage: 100 }],
    [{ per_page: '' }, { page: 1, perPage: 15 }],
  ])('%p → %p', (input, expected) => {
    expect(parsePageParams(input)).toEqual(expected);
  });

  test.each([0, -1, 'abc', 101, '1e2', 2.5, [5]])('per_page %p is invalid_pagination', (per_page) => {
    expect(() => parsePageParams({ per_page })).toThrow(FcrmError);
    expect(() => parsePageParams({ per_page })).toThrow(/per_page must be a whole number from 1 to 100/);
  });
});
