import { createContactWithEvents } from '../helpers/fixtures';
import { json, openTestServer, type TestServer } from '../helpers/testServer';

// WordPress serves every REST route with and without a trailing slash, also before a query string,
// and FluentCRM's own page links carry the slash (issue 15, items 1 and 2).

const NO_ROUTE = { code: 'rest_no_route' };

describe('trailing slashes', () => {
  let s: TestServer;
  let contactId: number;
  let eventId: number;
  beforeAll(async () => {
    s = await openTestServer();
    const contact = await createContactWithEvents(s.rt, 3);
    contactId = contact.id;
    [{ id: eventId }] = await s.sql<{ id: number }>('SELECT id FROM {schema}.fc_event_tracking WHERE subscriber_id = $1 LIMIT 1', [contactId]);
  });
  afterAll(() => s.close());

  /**
   * Every route of the OpenAPI document (generated from the registered routes), and the document's own,
   * as absolute paths: the REST routes and those outside /wp-json (/livez, /readyz, /metrics).
   */
  async function registeredRoutes(): Promise<Array<{ method: string; path: string }>> {
    const doc = (await (await fetch(`${s.base}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })));
    return [...routes, { method: 'GET', path: `${new URL(s.base).pathname}/openapi.json` }];
  }

  /**
   * A concrete URL: the contact and event made above; an unknown contact for DELETE and erase, so
   * nothing is lost; a key, an e-mail and an id for the other parameters.
   */
  function concrete(method: string, path: string): string {
    const id = method === 'DELETE' || path.endsWith('/erase') ? '999999' : String(contactId);
    return path
      .replace('{id}', id)
      .replace('{eventId}', String(eventId))
      .replace('{event_key}', 'signup')
      .replace('{*}', 'signup')
      .replace('{email}', 'nobody%40example.com');
  }

  /** A request to an absolute path on the test server, with the manage credential. */
  async function callPath(path: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${new URL(s.base).origin}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: s.auth.manage } });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) };
    } catch {
      return { status: response.status, body: text };
    }
  }

  test('every registered route answers the same with and without a trailing slash, also before a query string', async () => {
    const routes = await registeredRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(10);
    for (const { method, path } of routes) {
      const url = concrete(method, path);
      const init = method === 'POST' ? json({}) : { method };
      const forms = [url, `${url}/`, `${url}?page=1`, `${url}/?page=1`];
      const answers = [];
      for (const form of forms) answers.push(await callPath(form, init));
      for (const [i, answer] of answers.entries()) {
        expect({ route: `${method} ${forms[i]}`, status: answer.status }).toEqual({ route: `${method} ${forms[i]}`, status: answers[0].status });
        // /metrics answers text, the rest JSON: either way, never "no such route".
        const code = typeof answer.body === 'object' && answer.body !== null ? (answer.body as { code?: unknown }).code : undefined;
        expect({ route: `${method} ${forms[i]}`, code }).not.toEqual({ route: `${method} ${forms[i]}`, code: NO_ROUTE.code });
      }
    }
  });

  test('an unknown route is still a 404 rest_no_route, with or without the slash', async () => {
    for (const path of ['/nope', '/nope/', '/subscribers/abc/', '/subscribers/1/tracking-events/x/']) {
      expect(await s.call(path)).toMatchObject({ status: 404, body: NO_ROUTE });
    }
  });

  test("every paginated route's page links (slash before the query) answer 200 with the page they name", async () => {
    const pages: Array<[string, string]> = [
      [`/subscribers/${contactId}/tracking-events?per_page=1`, 'events'],
      [`/subscribers/${contactId}/tracking-events/${eventId}/occurrences?per_page=1`, 'occurrences'],
      ['/subscribers?per_page=1', 'subscribers'],
    ];
    await s.rt.api('event_tracker').track({ event_key: 'again', title: 'Again', subscriber_id: contactId });
    await s.rt.api('contacts').createOrUpdate({ email: 'second.slash@example.com' });
    // A second occurrence of the event, so its history has two pages too.
    const [event] = await s.sql<{ event_key: string; title: string }>('SELECT event_key, title FROM {schema}.fc_event_tracking WHERE id = $1', [eventId]);
    await s.rt.api('event_tracker').track({ ...event, subscriber_id: contactId });

    for (const [url, key] of pages) {
      const first = await s.call(url, { as: 'read' });
      expect(first.status).toBe(200);
      const page = first.body[key];
      expect(page.path.endsWith('/')).toBe(true);
      expect(page.next_page_url).toBe(`${page.path}?page=2`);
      expect(page.links[0]).toEqual({ url: null, label: 'pagination.previous', active: false });
      expect(page.links[page.links.length - 1]).toEqual({ url: `${page.path}?page=2`, label: 'pagination.next', active: false });
      for (const link of [page.first_page_url, page.last_page_url, page.next_page_url, ...page.links.map((l: { url: string | null }) => l.url)]) {
        if (link === null) continue;
        expect(link).toMatch(/\/\?page=\d+$/);
        const followed = await fetch(`${link}&per_page=1`, { headers: { authorization: s.auth.read } });
        expect(followed.status).toBe(200);
        const body = (await followed.json()) as Record<string, { current_page: number; prev_page_url: string | null }>;
        expect(body[key].current_page).toBe(Number(/page=(\d+)$/.exec(link)![1]));
      }
      const second = await fetch(`${page.next_page_url}&per_page=1`, { headers: { authorization: s.auth.read } });
      const secondPage = ((await second.json()) as Record<string, { prev_page_url: string; links: Array<{ label: string; url: string | null }> }>)[key];
      expect(secondPage.prev_page_url).toBe(`${page.path}?page=1`);
      expect(secondPage.links[0]).toEqual({ url: `${page.path}?page=1`, label: 'pagination.previous', active: false });
    }
  });
});
