import { buildServer } from '../../src/rest/buildServer';
import { ADMIN_CSP } from '../../src/admin/adminSecurity';
import { AdminSessionStore } from '../../src/admin/sessionStore';
import { openTestServer, type TestServer } from '../helpers/testServer';
import { adminClient, csrfOf, signIn, type AdminClient } from './adminSession';

let s: TestServer;
let origin: string;

/** name and password of a test credential, from its Basic header. */
function credentialOf(header: string): [string, string] {
  const text = Buffer.from(header.slice('Basic '.length), 'base64').toString();
  const colon = text.indexOf(':');
  return [text.slice(0, colon), text.slice(colon + 1)];
}

const XSS_TITLE = '<script>window.__xss = 1</script>';
const XSS_VALUE = '"><img src=x onerror=alert(1)>';

beforeAll(async () => {
  s = await openTestServer({ failedAuthLimit: { max: 3, windowMs: 60_000 } });
  origin = s.base.replace(/\/wp-json.*$/, '');
  const api = s.rt.api('event_tracker');
  await s.rt.api('contacts').createOrUpdate({ email: 'ann@example.com', first_name: 'Ann' });
  await s.rt.api('contacts').createOrUpdate({ email: 'bob@example.com', first_name: 'Bob' });
  await api.track({ email: 'ann@example.com', event_key: 'order', title: 'Order placed', value: '{"total":12,"items":[{"sku":"A1"}]}' });
  await api.track({ email: 'ann@example.com', event_key: 'xss', title: 'placeholder', value: XSS_VALUE });
  // The tracker strips tags (sanitize_text_field); rows written by other means (an import, SQL) may still carry them.
  await s.sql(`UPDATE {schema}.fc_event_tracking SET title = $1, value = $2 WHERE event_key = 'xss'`, [XSS_TITLE, XSS_VALUE]);
  await s.sql(`UPDATE {schema}.fc_event_occurrences SET value = $1 WHERE event_id IN (SELECT id FROM {schema}.fc_event_tracking WHERE event_key = 'xss')`, [XSS_VALUE]);
  await api.track({ email: 'bob@example.com', event_key: 'order', title: 'Order placed', value: '3' });
});

afterAll(() => s.close());

describe('sign-in', () => {
  test('pages redirect to the sign-in form; the form signs in with an application password and sets a strict HttpOnly cookie', async () => {
    const client = adminClient(origin);
    const page = await client.get('/admin/contacts');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fcontacts');
    const form = await client.get('/admin/login?next=%2Fadmin%2Fruns');
    expect(form.headers.get('content-security-policy')).toBe(ADMIN_CSP);
    const [name, password] = credentialOf(s.auth.read);
    const answer = await client.post('/admin/login', { _csrf: csrfOf(form.text), name, password, next: '/admin/runs' });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/admin/runs');
    const set = answer.headers.getSetCookie().find((c) => c.startsWith('fcrm_admin_session='))!;
    expect(set).toMatch(/; HttpOnly/);
    expect(set).toMatch(/; SameSite=Strict/);
    expect(set).toMatch(/; Path=\/admin/);
    expect(set).not.toMatch(/Secure/);
    expect((await client.get('/admin/contacts')).status).toBe(200);
  });

  test('only the hash of a session id is stored', async () => {
    const client = await signIn(origin, ...credentialOf(s.auth.manage));
    const id = client.cookies.get('fcrm_admin_session')!;
    const rows = await s.sql<{ id_hash: Buffer }>(`SELECT id_hash FROM {schema}.fc_admin_sessions`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(Buffer.from(row.id_hash).toString('base64url')).not.toBe(id);
  });

  test('an expired session is not found, and the next sign-in removes it', async () => {
    const expired = new AdminSessionStore(s.rt.dataSource, s.schema, -1000);
    const id = await expired.create('manager');
    expect(await expired.find(id)).toBeNull();
    const fresh = new AdminSessionStore(s.rt.dataSource, s.schema);
    const live = await fresh.create('manager');
    expect((await fresh.find(live))?.principal).toEqual({ name: 'manager', capabilities: ['fcrm_read_contacts', 'fcrm_manage_contacts'], userId: null });
    const [{ n }] = await s.sql<{ n: string }>(`SELECT count(*) AS n FROM {schema}.fc_admin_sessions WHERE expires_at <= now()`);
    expect(Number(n)).toBe(0);
    for (const bad of [undefined, '', 'short', `${live}x`, live.replace(/./, '!')]) expect(await fresh.find(bad)).toBeNull();
  });

  test('a sign-in without the form token is refused', async () => {
    const client = adminClient(origin);
    const [name, password] = credentialOf(s.auth.manage);
    const answer = await client.post('/admin/login', { _csrf: 'forged', name, password });
    expect(answer.status).toBe(403);
    expect(client.cookies.has('fcrm_admin_session')).toBe(false);
  });

  test('an open redirect through next is ignored', async () => {
    const client = adminClient(origin);
    const form = await client.get('/admin/login');
    const [name, password] = credentialOf(s.auth.manage);
    const answer = await client.post('/admin/login', { _csrf: csrfOf(form.text), name, password, next: '//evil.example/admin/x' });
    expect(answer.headers.get('location')).toBe('/admin/contacts');
  });

  test('the session holds in another server sharing the database, and ends with logout', async () => {
    const client = await signIn(origin, ...credentialOf(s.auth.manage));
    const other = await buildServer({ runtime: s.rt, credentials: s.credentials });
    try {
      await other.listen({ port: 0, host: '127.0.0.1' });
      const address = other.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const elsewhere = adminClient(`http://127.0.0.1:${port}`);
      for (const [n, v] of client.cookies) elsewhere.cookies.set(n, v);
      expect((await elsewhere.get('/admin/contacts')).status).toBe(200);
      const page = await client.get('/admin/contacts');
      const out = await client.post('/admin/logout', { _csrf: csrfOf(page.text) });
      expect(out.status).toBe(303);
      expect(out.headers.get('location')).toBe('/admin/login');
      // The other process no longer knows the old session either (elsewhere still sends its cookie).
      expect((await elsewhere.get('/admin/contacts')).status).toBe(303);
    } finally {
      await other.close();
    }
  });

  test('logout without the CSRF token is refused and the session stays', async () => {
    const client = await signIn(origin, ...credentialOf(s.auth.manage));
    expect((await client.post('/admin/logout', { _csrf: 'nope' })).status).toBe(403);
    expect((await client.get('/admin/contacts')).status).toBe(200);
  });

  test('revoking the credential ends its sessions', async () => {
    const created = await s.credentials.create({ name: 'temporary', capabilities: ['fcrm_read_contacts'] });
    const client = await signIn(origin, created.name, created.password);
    expect((await client.get('/admin/contacts')).status).toBe(200);
    await s.credentials.revoke('temporary');
    expect((await client.get('/admin/contacts')).status).toBe(303);
  });
});

describe('failed sign-ins share the API limit', () => {
  test('wrong passwords on the form and over Basic count together; then the right one is refused too (429)', async () => {
    const limited = await openTestServer({ failedAuthLimit: { max: 3, windowMs: 60_000 } });
    try {
      const o = limited.base.replace(/\/wp-json.*$/, '');
      const [name, password] = credentialOf(limited.auth.manage);
      const client = adminClient(o);
      for (let i = 0; i < 2; i += 1) {
        const form = await client.get('/admin/login');
        expect((await client.post('/admin/login', { _csrf: csrfOf(form.text), name, password: 'wrong' })).status).toBe(401);
      }
      const basic = await limited.call('/subscribers', { headers: { authorization: `Basic ${Buffer.from(`${name}:wrong`).toString('base64')}` }, as: null });
      expect(basic.status).toBe(401);
      const form = await client.get('/admin/login');
      const blocked = await client.post('/admin/login', { _csrf: csrfOf(form.text), name, password });
      expect(blocked.status).toBe(429);
      expect(blocked.text).toContain('Too many failed authentication attempts');
      expect((await limited.call('/subscribers')).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('pages', () => {
  let manager: AdminClient;
  let reader: AdminClient;
  beforeAll(async () => {
    manager = await signIn(origin, ...credentialOf(s.auth.manage));
    reader = await signIn(origin, ...credentialOf(s.auth.read));
  });

  test('event titles and values are escaped everywhere they are shown', async () => {
    const [ann] = await s.sql<{ id: string }>(`SELECT id FROM {schema}.fc_subscribers WHERE email = 'ann@example.com'`);
    const timeline = await manager.get(`/admin/contacts/${ann.id}`);
    expect(timeline.status).toBe(200);
    expect(timeline.text).not.toContain('<script>window.__xss');
    expect(timeline.text).not.toContain('<img src=x');
    expect(timeline.text).toContain('&lt;script&gt;window.__xss = 1&lt;/script&gt;');
    expect(timeline.text).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    const trend = await manager.get('/admin/trends?key=xss');
    expect(trend.text).toContain('&lt;script&gt;window.__xss = 1&lt;/script&gt;');
    expect(trend.text).not.toContain('<script>window.__xss');
    // Every <script> in a page is the local asset or a JSON data block.
    for (const page of [timeline.text, trend.text, (await manager.get('/admin/contacts')).text]) {
      for (const tag of page.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/src="\/admin\/assets\/admin\.js"|type="application\/json"/);
    }
  });

  test('a filter in the URL is applied: groups ORed, the count shown; a bad filter is a 422 page, not a 500', async () => {
    const filters = JSON.stringify([
      [{ source: ['event_tracking', 'event_tracking_key'], operator: 'in', value: ['xss'] }],
      [{ source: ['event_tracking', 'event_tracking_value'], operator: '=', value: '3', extra_value: 'order' }],
    ]);
    const page = await reader.get(`/admin/contacts?advanced_filters=${encodeURIComponent(filters)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('2 contacts match');
    const one = JSON.stringify([[{ source: ['event_tracking', 'event_tracking_key'], operator: 'in', value: ['xss'] }]]);
    const single = await reader.get(`/admin/contacts?advanced_filters=${encodeURIComponent(one)}`);
    expect(single.text).toContain('1 contact matches');
    expect(single.text).toContain('ann@example.com');
    expect(single.text).not.toContain('bob@example.com');
    const bad = await reader.get(`/admin/contacts?advanced_filters=${encodeURIComponent('[[{"source":["event_tracking","nope"]}]]')}`);
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('role="alert"');
  });

  test('read-only credentials see the pages but get no writing form, and a forged write is refused', async () => {
    const [bob] = await s.sql<{ id: string }>(`SELECT id FROM {schema}.fc_subscribers WHERE email = 'bob@example.com'`);
    const page = await reader.get(`/admin/contacts/${bob.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('read-only');
    expect(page.text).not.toContain('data-testid="track-form"');
    const refused = await reader.post(`/admin/contacts/${bob.id}/events`, { _csrf: csrfOf(page.text), event_key: 'k', title: 't' });
    expect(refused.status).toBe(403);
    const [{ n }] = await s.sql<{ n: string }>(`SELECT count(*) AS n FROM {schema}.fc_event_tracking WHERE event_key = 'k'`);
    expect(Number(n)).toBe(0);
  });

  test('a manager tracks an event through the form only with its CSRF token', async () => {
    const [bob] = await s.sql<{ id: string }>(`SELECT id FROM {schema}.fc_subscribers WHERE email = 'bob@example.com'`);
    const page = await manager.get(`/admin/contacts/${bob.id}`);
    expect(page.text).toContain('data-testid="track-form"');
    expect((await manager.post(`/admin/contacts/${bob.id}/events`, { _csrf: 'x', event_key: 'manual', title: 'By hand' })).status).toBe(403);
    const done = await manager.post(`/admin/contacts/${bob.id}/events`, { _csrf: csrfOf(page.text), event_key: 'manual', title: 'By hand' });
    expect(done.status).toBe(303);
    const [{ n }] = await s.sql<{ n: string }>(`SELECT count(*) AS n FROM {schema}.fc_event_tracking WHERE event_key = 'manual'`);
    expect(Number(n)).toBe(1);
  });

  test('structured values are shown as key/value pairs', async () => {
    const [ann] = await s.sql<{ id: string }>(`SELECT id FROM {schema}.fc_subscribers WHERE email = 'ann@example.com'`);
    const page = await manager.get(`/admin/contacts/${ann.id}?key=order`);
    expect(page.text).toContain('<dt>total</dt><dd>12</dd>');
    expect(page.text).toContain('<dt>items.0.sku</dt><dd>A1</dd>');
  });

  test('an unknown contact is a 404 page; the runs page filters by status', async () => {
    expect((await manager.get('/admin/contacts/999999')).status).toBe(404);
    const runs = await manager.get('/admin/runs?status=failed');
    expect(runs.status).toBe(200);
    expect(runs.text).toContain('No runs.');
  });

  test('the key picker offers keys from the same option list as ajax-options', async () => {
    const answer = await manager.get('/admin/key-options?search=ord');
    expect(JSON.parse(answer.text)).toEqual({ options: [{ id: 'order', title: 'order' }] });
    expect((await adminClient(origin).get('/admin/key-options')).status).toBe(303);
  });

  test('assets are served locally', async () => {
    const css = await manager.get('/admin/assets/admin.css');
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const js = await adminClient(origin).get('/admin/assets/admin.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
  });
});

describe('Secure cookie', () => {
  test('set when PUBLIC_URL is https, with the path below it', async () => {
    const secure = await openTestServer({ publicUrl: 'https://crm.example.com/crm' });
    try {
      const o = secure.base.replace(/\/wp-json.*$/, '');
      const client = adminClient(o);
      const form = await client.get('/admin/login');
      expect(form.headers.getSetCookie()[0]).toMatch(/; Path=\/crm\/admin; HttpOnly; SameSite=Strict; Secure$/);
      expect(form.text).toContain('action="/crm/admin/login"');
    } finally {
      await secure.close();
    }
  });

  test('set behind a trusted proxy that says https', async () => {
    const proxied = await openTestServer({ trustProxy: ['127.0.0.1'] });
    try {
      const o = proxied.base.replace(/\/wp-json.*$/, '');
      const answer = await fetch(`${o}/admin/login`, { headers: { 'x-forwarded-proto': 'https' } });
      expect(answer.headers.getSetCookie()[0]).toMatch(/; Secure$/);
      const plain = await fetch(`${o}/admin/login`);
      expect(plain.headers.getSetCookie()[0]).not.toMatch(/Secure/);
    } finally {
      await proxied.close();
    }
  });
});
