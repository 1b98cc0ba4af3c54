import { createContact, uniqueEmail } from '../helpers/fixtures';
import { basicAuth, json, openTestServer, type TestServer } from '../helpers/testServer';

const FORBIDDEN = (status: number) => ({ code: 'rest_forbidden', message: 'Sorry, you are not allowed to do that.', data: { status } });
const NO_ROUTE = { code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } };

describe('REST: auth, errors, contacts, OpenAPI', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer();
  });
  afterAll(() => s.close());
  beforeEach(() => s.reset());

  describe('authentication (WordPress application passwords)', () => {
    test.each([
      ['no credentials', null],
      ['a wrong password', basicAuth('manager', 'wrong-password-000000000')],
      ['an unknown user', basicAuth('ghost', 'whatever')],
      ['a malformed header', 'Basic !!!notbase64'],
      ['another scheme', 'Bearer abc'],
    ])('%s → 401 rest_forbidden', async (_name, header) => {
      const headers: Record<string, string> = header ? { authorization: header } : {};
      for (const [path, init] of [
        ['/subscribers/track-event', { ...json({ event_key: 'k', title: 'T' }), headers: { ...headers, 'content-type': 'application/json' } }],
        ['/subscribers/1/tracking-events', { headers }],
      ] as const) {
        const response = await s.call(path, { ...init, as: null });
        expect(response.status).toBe(401);
        expect(response.body).toEqual(FORBIDDEN(401));
      }
    });

    test('a read-only credential reads but cannot write (403)', async () => {
      const contact = await createContact(s.rt);
      expect((await s.call(`/subscribers/${contact.id}/tracking-events`, { as: 'read' })).status).toBe(200);
      const write = await s.call('/subscribers/track-event', { ...json({ event_key: 'k', title: 'T', email: contact.email }), as: 'read' });
      expect(write).toMatchObject({ status: 403, body: FORBIDDEN(403) });
      const create = await s.call('/subscribers', { ...json({ email: uniqueEmail() }), as: 'read' });
      expect(create).toMatchObject({ status: 403, body: FORBIDDEN(403) });
      const remove = await s.call(`/subscribers/${contact.id}`, { method: 'DELETE', as: 'read' });
      expect(remove).toMatchObject({ status: 403, body: FORBIDDEN(403) });
      expect(await s.sql('SELECT count(*)::int AS n FROM {schema}.fc_event_tracking')).toEqual([{ n: 0 }]);
      expect(await s.rt.api('contacts').getContact(contact.id)).not.toBeNull();
    });
  });

  describe('client errors are 4xx JSON, never a 500', () => {
    test.each([
      ['GET /nope', '/nope', { method: 'GET' }],
      ['GET on a POST-only route', '/subscribers/track-event', { method: 'GET' }],
      ['PUT on tracking-events', '/subscribers/1/tracking-events', { method: 'PUT' }],
    ])('%s → 404 rest_no_route', async (_name, path, init) => {
      expect(await s.call(path, init)).toMatchObject({ status: 404, body: NO_ROUTE });
    });

    test('an unknown path outside the API → rest_no_route too', async () => {
      const response = await fetch(s.base.replace('/wp-json/fluent-crm/v2', '/wp-json/other'));
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual(NO_ROUTE);
    });

    test('malformed JSON → 400 rest_invalid_json', async () => {
      const response = await s.call('/subscribers/track-event', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"event_key": ' });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'rest_invalid_json', message: 'Invalid JSON body passed.', data: { status: 400 } });
    });

    test('JSON with a __proto__ key → 400, nothing polluted', async () => {
      const response = await s.call('/subscribers/track-event', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"__proto__":{"x":1},"event_key":"k","title":"T"}' });
      expect(response.status).toBe(400);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });

    test('an empty JSON body is no parameters → 422 required fields', async () => {
      const response = await s.call('/subscribers/track-event', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' });
      expect(response.status).toBe(422);
      expect(Object.keys(response.body).sort()).toEqual(['event_key', 'title']);
    });

    test('a JSON array body is no parameters → 422 (or 400), not a 500', async () => {
      const response = await s.call('/subscribers/track-event', json([{ event_key: 'k', title: 'T' }]));
      expect([400, 422]).toContain(response.status);
    });

    test('a body over 1 MiB → 413 JSON error and the connection stays usable', async () => {
      const big = JSON.stringify({ event_key: 'k', title: 'T', value: 'x'.repeat(1_100_000) });
      const response = await s.call('/subscribers/track-event', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ code: 'rest_request_too_large', data: { status: 413 } });
      expect((await s.call('/subscribers/1/tracking-events')).status).toBe(404);
    });

    test('an unsupported content type → 415 JSON error', async () => {
      const response = await s.call('/subscribers/track-event', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
      expect(response.status).toBe(415);
      expect(response.body).toMatchObject({ code: 'rest_unsupported_media_type', data: { status: 415 } });
    });
  });

  describe('contacts', () => {
    test('POST /subscribers creates, then updates by e-mail; GET and DELETE (events go with it)', async () => {
      const email = uniqueEmail('rest');
      const created = await s.call('/subscribers', json({ email, first_name: 'Ada' }));
      expect(created).toMatchObject({ status: 200, body: { created: true, contact: { email, first_name: 'Ada', status: 'subscribed' } } });
      const id = created.body.contact.id;
      const updated = await s.call('/subscribers', json({ email: email.toUpperCase(), last_name: 'Lovelace', status: 'pending' }));
      expect(updated).toMatchObject({ status: 200, body: { created: false, contact: { id, first_name: 'Ada', last_name: 'Lovelace', status: 'pending' } } });

      expect(await s.call(`/subscribers/${id}`, { as: 'read' })).toMatchObject({ status: 200, body: { subscriber: { id, email } } });
      await s.call('/subscribers/track-event', json({ event_key: 'k', title: 'T', subscriber_id: id }));
      expect(await s.call(`/subscribers/${id}`, { method: 'DELETE' })).toMatchObject({
        status: 200,
        body: { message: 'Selected Subscriber has been deleted successfully' },
      });
      expect(await s.sql('SELECT count(*)::int AS n FROM {schema}.fc_event_tracking')).toEqual([{ n: 0 }]);
      const gone = { message: `No query results for model [FluentCrm\\App\\Models\\Subscriber] ${id}` };
      expect(await s.call(`/subscribers/${id}`)).toMatchObject({ status: 404, body: gone });
      expect(await s.call(`/subscribers/${id}`, { method: 'DELETE' })).toMatchObject({ status: 404, body: gone });
    });

    test('POST /subscribers without an e-mail → 422 required; a malformed one → 422 invalid_data', async () => {
      expect(await s.call('/subscribers', json({ first_name: 'x' }))).toMatchObject({
        status: 422,
        body: { email: { required: 'The email field is required.' } },
      });
      expect(await s.call('/subscribers', json({ email: 'nope' }))).toMatchObject({
        status: 422,
        body: { error_code: 'invalid_data', message: expect.stringContaining('email') },
      });
    });
  });

  test('the OpenAPI document lists every route, generated from the route schemas', async () => {
    const response = await fetch(`${s.base}/openapi.json`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(
      [
        'POST /wp-json/fluent-crm/v2/subscribers/track-event',
        'POST /wp-json/fluent-crm/v2/subscribers/track-events',
        'GET /wp-json/fluent-crm/v2/subscribers/{id}/tracking-events',
        'GET /wp-json/fluent-crm/v2/subscribers/{id}/tracking-events/{eventId}/occurrences',
        'POST /wp-json/fluent-crm/v2/subscribers',
        'POST /wp-json/fluent-crm/v2/subscribers/batch',
        'GET /wp-json/fluent-crm/v2/subscribers/{id}',
        'DELETE /wp-json/fluent-crm/v2/subscribers/{id}',
        'GET /wp-json/fluent-crm/v2/subscribers',
        'GET /wp-json/fluent-crm/v2/reports/ajax-options',
        'GET /wp-json/fluent-crm/v2/event-definitions',
        // The key is a wildcard (keys up to 192 characters, slashes allowed), so the document names it {*}.
        'GET /wp-json/fluent-crm/v2/event-definitions/{*}',
        'PUT /wp-json/fluent-crm/v2/event-definitions/{*}',
        'DELETE /wp-json/fluent-crm/v2/event-definitions/{*}',
        'POST /wp-json/fluent-crm/v2/subscribers/{id}/erase',
        'GET /wp-json/fluent-crm/v2/subscribers/{id}/export',
        'DELETE /wp-json/fluent-crm/v2/suppressions/{email}',
        'GET /wp-json/fluent-crm/v2/event-retention',
        'GET /wp-json/fluent-crm/v2/event-retention/{event_key}',
        'PUT /wp-json/fluent-crm/v2/event-retention/{event_key}',
        'DELETE /wp-json/fluent-crm/v2/event-retention/{event_key}',
        'GET /livez',
        'GET /readyz',
        'GET /metrics',
        'POST /wp-json/fluent-crm/v2/webhooks',
        'GET /wp-json/fluent-crm/v2/webhooks',
        'GET /wp-json/fluent-crm/v2/webhooks/{id}',
        'DELETE /wp-json/fluent-crm/v2/webhooks/{id}',
        'GET /wp-json/fluent-crm/v2/webhooks/{id}/deliveries',
      ].sort(),
    );
  });
});
