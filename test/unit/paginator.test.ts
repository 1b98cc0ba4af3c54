import { FcrmError } from '../../src';
import { parsePageParams } from '../../src/pagination/pageParams';
import { buildPaginator } from '../../src/pagination/paginator';

const path = '/wp-json/fluent-crm/v2/subscribers/1/tracking-events';
const labels = (page: number, lastPage: number) =>
  buildPaginator({ data: [1], total: lastPage * 10, page, perPage: 10, path }).links.map((l) => l.label);

describe('buildPaginator', () => {
  test('links: previous, every page when there are few, next; the current page is active', () => {
    const p = buildPaginator({ data: [1, 2], total: 12, page: 2, perPage: 10, path });
    expect(p.links).toEqual([
      { url: `${path}?page=1`, label: '&laquo; Previous', active: false },
      { url: `${path}?page=1`, label: '1', active: false },
      { url: `${path}?page=2`, label: '2', active: true },
      { url: null, label: 'Next &raquo;', active: false },
    ]);
    expect(p).toMatchObject({ from: 11, to: 12, last_page: 2, next_page_url: null, prev_page_url: `${path}?page=1` });
  });

  test("Laravel's window for many pages: start, around the current page, end", () => {
    expect(labels(1, 20)).toEqual(['&laquo; Previous', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '...', '19', '20', 'Next &raquo;']);
    expect(labels(10, 20)).toEqual(['&laquo; Previous', '1', '2', '...', '7', '8', '9', '10', '11', '12', '13', '...', '19', '20', 'Next &raquo;']);
    expect(labels(20, 20)).toEqual(['&laquo; Previous', '1', '2', '...', '11', '12', '13', '14', '15', '16', '17', '18', '19', '20', 'Next &raquo;']);
    expect(labels(1, 13)).toHaveLength(15); // 13 pages: all listed
  });

  test('an empty result has one page, and from/to null', () => {
    expect(buildPaginator({ data: [], total: 0, page: 1, perPage: 15, path })).toMatchObject({
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
