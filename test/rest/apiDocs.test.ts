import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTestServer, type TestServer } from '../helpers/testServer';

const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

interface ApiDocument {
  info: { version: string };
  servers: Array<{ url: string }>;
  paths: Record<string, unknown>;
}

// The OpenAPI document names this package's version and where the API is reached, and a
// browsable UI serves it from this server's own assets (issue 15, item 9).
describe('API document and its UI', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await openTestServer();
  });
  afterAll(() => s.close());

  test("openapi.json: info.version is package.json's, servers names the listening address", async () => {
    const doc = (await (await fetch(`${s.base}/openapi.json`)).json()) as ApiDocument;
    expect(doc.info.version).toBe(VERSION);
    expect(doc.servers).toEqual([{ url: new URL(s.base).origin }]);
  });

  test('GET /docs serves Swagger UI, whose script and the document it loads come from this server', async () => {
    for (const path of ['/docs', '/docs/']) {
      const page = await fetch(`${s.base}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      const html = await page.text();
      // Every script the page loads is local (no CDN), and the policy above allows exactly those.
      const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((match) => new URL(match[1], `${s.base}${path}`).toString());
      expect(scripts.length).toBeGreaterThanOrEqual(3);
      for (const script of scripts) expect(script.startsWith(`${s.base}/docs/static/`)).toBe(true);
      const bundle = await fetch(scripts.find((url) => url.endsWith('/swagger-ui-bundle.js'))!);
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-type')).toMatch(/javascript/);
      expect(await bundle.text()).toContain('SwaggerUIBundle');
    }
    const initializer = await (await fetch(`${s.base}/docs/static/swagger-initializer.js`)).text();
    expect(initializer).toContain('"validatorUrl":null');
    // The document the UI shows: the same one, with servers.
    const shown = (await (await fetch(`${s.base}/docs/json`)).json()) as ApiDocument;
    expect(shown.info.version).toBe(VERSION);
    expect(shown.servers).toEqual([{ url: new URL(s.base).origin }]);
    expect(Object.keys(shown.paths)).toContain('/wp-json/fluent-crm/v2/subscribers/track-event');
  });

  test('with PUBLIC_URL, servers names it', async () => {
    const behindProxy = await openTestServer({ publicUrl: 'https://crm.example.com/site/' });
    try {
      for (const path of ['/openapi.json', '/docs/json']) {
        const doc = (await (await fetch(`${behindProxy.base}${path}`)).json()) as ApiDocument;
        expect(doc.servers).toEqual([{ url: 'https://crm.example.com/site' }]);
      }
    } finally {
      await behindProxy.close();
    }
  });
});
