import { createContactWithEvents } from '../helpers/fixtures';
import { openTestServer, type TestServer } from '../helpers/testServer';
import { openRaw, portOf } from '../helpers/rawHttp';

// Paginator links come from PUBLIC_URL or the listening address, never from the Host header
// (issue 13, item 13), as WordPress builds them from its site URL.

interface Paginator {
  first_page_url: string;
  last_page_url: string;
  next_page_url: string | null;
  path: string;
  links: { url: string | null }[];
}

/** A GET as a hostile client sends it: its own Host and X-Forwarded-Host. */
async function getWithHost(s: TestServer, path: string): Promise<Record<string, Paginator>> {
  const raw = await openRaw(portOf(s.base));
  raw.socket.write(
    `GET /wp-json/fluent-crm/v2${path} HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil2.example\r\n` +
      `X-Forwarded-Proto: gopher\r\nAuthorization: ${s.auth.read}\r\n\r\n`,
  );
  const answer = await raw.response();
  raw.socket.destroy();
  expect(answer.status).toBe(200);
  return answer.body as Record<string, Paginator>;
}

function urlsOf(page: Paginator): string[] {
  return [page.first_page_url, page.last_page_url, page.next_page_url, page.path, ...page.links.map((link) => link.url)].filter(
    (url): url is string => url !== null,
  );
}

async function paginators(s: TestServer): Promise<Paginator[]> {
  const contact = await createContactWithEvents(s.rt, 3);
  const [event] = await s.sql<{ id: number }>('SELECT id FROM {schema}.fc_event_tracking WHERE subscriber_id = $1 LIMIT 1', [contact.id]);
  return [
    (await getWithHost(s, `/subscribers/${contact.id}/tracking-events?per_page=1`)).events,
    (await getWithHost(s, `/subscribers/${contact.id}/tracking-events/${event.id}/occurrences?per_page=1`)).occurrences,
    (await getWithHost(s, '/subscribers?per_page=1')).subscribers,
  ];
}

describe('paginator links without PUBLIC_URL', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer();
  });
  afterAll(() => s.close());

  test('are built from the listening address, whatever Host says', async () => {
    const pages = await paginators(s);
    expect(pages.map((page) => page.path)).toEqual([
      expect.stringMatching(new RegExp(`^${s.base}/subscribers/\\d+/tracking-events/$`)),
      expect.stringMatching(new RegExp(`^${s.base}/subscribers/\\d+/tracking-events/\\d+/occurrences/$`)),
      `${s.base}/subscribers/`,
    ]);
    for (const page of pages) {
      expect(page.links.length).toBeGreaterThan(2);
      for (const url of urlsOf(page)) {
        expect(url).not.toMatch(/evil|gopher/);
        expect(url.startsWith(`${s.base}/`)).toBe(true);
      }
    }
  });
});

describe('paginator links with PUBLIC_URL', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer({ publicUrl: 'https://crm.example.com/base/' });
  });
  afterAll(() => s.close());

  test('use it, with its path prefix', async () => {
    const [events, occurrences, subscribers] = await paginators(s);
    expect(events.path).toMatch(/^https:\/\/crm\.example\.com\/base\/wp-json\/fluent-crm\/v2\/subscribers\/\d+\/tracking-events\/$/);
    expect(events.first_page_url).toBe(`${events.path}?page=1`);
    expect(occurrences.path).toMatch(/^https:\/\/crm\.example\.com\/base\/wp-json\/fluent-crm\/v2\/subscribers\/\d+\/tracking-events\/\d+\/occurrences\/$/);
    expect(subscribers.path).toBe('https://crm.example.com/base/wp-json/fluent-crm/v2/subscribers/');
    for (const page of [events, occurrences, subscribers]) {
      for (const url of urlsOf(page)) expect(url.startsWith('https://crm.example.com/base/wp-json/fluent-crm/v2/')).toBe(true);
    }
  });
});
