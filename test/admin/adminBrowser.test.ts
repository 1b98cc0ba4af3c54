import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { automationRunsTable } from '../../src/automation/runsTable';
import { findChromium, launchChromium } from '../helpers/chromium';
import { openTestServer, type TestServer } from '../helpers/testServer';

/**
 * The admin page in Debian's Chromium, driven by playwright-core: sign in, a segment of two groups,
 * a timeline paged, a trend chart, the runs, sign out. Screenshots of each page go to
 * test-output/screenshots (gitignored); with FCRM_UPDATE_DOCS_SCREENSHOTS=1 also to docs/admin-*.png.
 */
const chromiumPath = findChromium();
if (!chromiumPath) {
  console.warn(
    'SKIPPED admin browser tests: Chromium was not found at /usr/bin/chromium (install it with `apt-get install -y chromium`; .ci/run does). Set FCRM_CHROMIUM to use another binary.',
  );
}
const describeWithChromium = chromiumPath ? describe : describe.skip;

const SCREENSHOTS = join(__dirname, '..', '..', 'test-output', 'screenshots');
const DOCS = join(__dirname, '..', '..', 'docs');
const XSS_TITLE = '<script>window.__xss = 1</script>';
const XSS_VALUE = '"><img src=x onerror=alert(1)>';
const HISTORY = 120;

describeWithChromium('admin page in Chromium', () => {
  let s: TestServer;
  let origin: string;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  let dialogs = 0;
  const pageErrors: string[] = [];
  let manager: [string, string];
  let heavyId: string;

  async function shot(name: string, fullPage = true): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const file = join(SCREENSHOTS, `admin-${name}.png`);
    await page.screenshot({ path: file, fullPage });
    if (process.env.FCRM_UPDATE_DOCS_SCREENSHOTS === '1') copyFileSync(file, join(DOCS, `admin-${name}.png`));
  }

  beforeAll(async () => {
    s = await openTestServer();
    origin = s.base.replace(/\/wp-json.*$/, '');
    const text = Buffer.from(s.auth.manage.slice('Basic '.length), 'base64').toString();
    manager = [text.slice(0, text.indexOf(':')), text.slice(text.indexOf(':') + 1)];
    const contacts = s.rt.api('contacts');
    const people = [
      ['ada@example.com', 'Ada', 'Lovelace'],
      ['grace@example.com', 'Grace', 'Hopper'],
      ['alan@example.com', 'Alan', 'Turing'],
      ['edsger@example.com', 'Edsger', 'Dijkstra'],
      ['barbara@example.com', 'Barbara', 'Liskov'],
    ];
    for (const [email, first_name, last_name] of people) await contacts.createOrUpdate({ email, first_name, last_name });
    const day = 86_400_000;
    const now = Date.now();
    const tracker = s.rt.api('event_tracker');
    // Ada: a long history (page views over 30 days, purchases with structured values).
    const history = Array.from({ length: HISTORY }, (_, i) => ({
      email: 'ada@example.com',
      event_key: i % 4 === 0 ? 'purchase' : 'page_view',
      title: i % 4 === 0 ? 'Order completed' : ['Home', 'Pricing', 'Docs'][i % 3],
      value: i % 4 === 0 ? JSON.stringify({ order_id: 1000 + i, total: 20 + (i % 7) * 5, currency: 'EUR' }) : `/page/${i % 9}`,
      occurred_at: new Date(now - ((HISTORY - i) * 6 * 3600_000) % (29 * day)).toISOString(),
    }));
    const results = await tracker.trackMany(history);
    expect(results.filter((r) => 'error_code' in r)).toEqual([]);
    await tracker.track({ email: 'grace@example.com', event_key: 'purchase', title: 'Order completed', value: '{"order_id":7,"total":99}' });
    await tracker.track({ email: 'alan@example.com', event_key: 'plan', title: 'Plan changed', value: 'pro' });
    await tracker.track({ email: 'edsger@example.com', event_key: 'plan', title: 'Plan changed', value: 'free' });
    await tracker.track({ email: 'barbara@example.com', event_key: 'xss', title: 'placeholder', value: 'x' });
    await tracker.track({ email: 'barbara@example.com', event_key: 'xss_alert', title: 'placeholder', value: 'x' });
    await s.sql(`UPDATE {schema}.fc_event_tracking SET title = '<script>alert(1)</script>', value = '<svg onload=alert(1)>' WHERE event_key = 'xss_alert'`);
    // The tracker strips tags; rows written by other means (an import, SQL) may still carry them.
    await s.sql(`UPDATE {schema}.fc_event_tracking SET title = $1, value = $2 WHERE event_key = 'xss'`, [XSS_TITLE, XSS_VALUE]);
    await s.sql(`UPDATE {schema}.fc_event_occurrences SET value = $1 WHERE event_id IN (SELECT id FROM {schema}.fc_event_tracking WHERE event_key = 'xss')`, [
      XSS_VALUE,
    ]);
    const [ada] = await s.sql<{ id: string }>(`SELECT id FROM {schema}.fc_subscribers WHERE email = 'ada@example.com'`);
    heavyId = String(ada.id);
    const runs = automationRunsTable(s.schema);
    await s.sql(
      `INSERT INTO ${runs} (automation_id, subscriber_id, run_once, status, error, finished_at)
       SELECT a, s.id, false, st, er, now() FROM {schema}.fc_subscribers s,
         (VALUES ('welcome-series', 'completed', NULL), ('vip-upgrade', 'failed', $1)) v(a, st, er)`,
      [`Webhook answered 500 ${XSS_VALUE}`],
    );
    browser = await launchChromium(chromiumPath!);
    page = await browser.context.newPage();
    page.on('dialog', async (dialog) => {
      dialogs += 1;
      await dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // A CSP violation (an inline script or style that got through) is reported on the console.
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  /** No injected script ran: no dialog, no flag, no script error. */
  async function expectNoInjectedScript(): Promise<void> {
    expect(dialogs).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(pageErrors).toEqual([]);
  }

  test('sign in with an application password', async () => {
    await page.goto(`${origin}/admin/contacts`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('#name', manager[0]);
    await page.fill('#password', manager[1]);
    await shot('login');
    await Promise.all([page.waitForURL(`${origin}/admin/contacts`), page.click('button[type=submit]')]);
    expect(await page.textContent('[data-testid=signed-in-as]')).toBe(manager[0]);
    expect(await page.textContent('[data-testid=match-count]')).toBe('5 contacts match');
    await shot('contacts');
  });

  test('build a segment with two groups and see the right contacts; the filter is in the URL', async () => {
    await page.click('#segment-builder .add-group'); // first group, first condition
    const first = page.locator('[data-testid=segment-group]').nth(0).locator('[data-testid=segment-item]').nth(0);
    await first.locator('select.property').selectOption('event_tracking_key');
    await first.locator('select.operator').selectOption('in');
    await first.locator('input.value').fill('purchase');
    await page.click('#segment-builder > .row .add-group'); // an OR group
    const second = page.locator('[data-testid=segment-group]').nth(1).locator('[data-testid=segment-item]').nth(0);
    await second.locator('select.property').selectOption('event_tracking_value');
    await second.locator('input.event-key').fill('plan');
    await second.locator('select.operator').selectOption('=');
    await second.locator('input.value').fill('pro');
    await Promise.all([page.waitForURL(/advanced_filters=/), page.click('[data-testid=apply]')]);
    const filters = JSON.parse(new URL(page.url()).searchParams.get('advanced_filters')!);
    expect(filters).toEqual([
      [{ source: ['event_tracking', 'event_tracking_key'], operator: 'in', value: ['purchase'] }],
      [{ source: ['event_tracking', 'event_tracking_value'], operator: '=', value: 'pro', extra_value: 'plan' }],
    ]);
    expect(await page.textContent('[data-testid=match-count]')).toBe('3 contacts match');
    const emails = await page.locator('[data-testid=contact-link]').allTextContents();
    expect(emails.sort()).toEqual(['ada@example.com', 'alan@example.com', 'grace@example.com']);
    // The builder is rebuilt from the URL: a bookmark brings the same segment back.
    await page.reload();
    expect(await page.locator('[data-testid=segment-group]').count()).toBe(2);
    expect(await page.locator('input.event-key').inputValue()).toBe('plan');
    await shot('segment');
    await expectNoInjectedScript();
  });

  test('open a timeline and page through it', async () => {
    await Promise.all([page.waitForURL(`${origin}/admin/contacts/${heavyId}`), page.click('text=ada@example.com')]);
    expect(await page.locator('[data-testid=widget-event]').count()).toBe(4); // 3 page_view titles + purchase
    expect(await page.textContent('[data-testid=timeline-total]')).toBe(`${HISTORY} occurrences`);
    const firstPage = await page.locator('[data-testid=occurrence]').evaluateAll((items) => items.map((i) => i.getAttribute('data-id')));
    expect(firstPage).toHaveLength(50);
    await expect(page.locator('dl.pairs dt', { hasText: 'order_id' }).first().isVisible()).resolves.toBe(true);
    await shot('timeline', false); // the first screenful: the widget and the history's start
    const seen = new Set(firstPage);
    for (const expected of [50, HISTORY - 100]) {
      await Promise.all([page.waitForURL(/before=/), page.click('[data-testid=timeline-older]')]);
      const ids = await page.locator('[data-testid=occurrence]').evaluateAll((items) => items.map((i) => i.getAttribute('data-id')));
      expect(ids).toHaveLength(expected);
      for (const id of ids) {
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
    }
    expect(seen.size).toBe(HISTORY);
    expect(await page.locator('[data-testid=timeline-older]').count()).toBe(0);
    // Filtered by key.
    await page.goto(`${origin}/admin/contacts/${heavyId}?key=purchase`);
    expect(await page.textContent('[data-testid=timeline-total]')).toBe(`${HISTORY / 4} occurrences of purchase`);
    await expectNoInjectedScript();
  });

  test('hostile titles and values are shown as text and run nothing', async () => {
    const [barbara] = await s.sql<{ id: string }>(`SELECT id FROM {schema}.fc_subscribers WHERE email = 'barbara@example.com'`);
    await page.goto(`${origin}/admin/contacts/${barbara.id}`);
    const titles = await page.locator('[data-testid=widget-event] strong').allTextContents();
    expect(titles.sort()).toEqual(['<script>alert(1)</script>', XSS_TITLE].sort());
    const values = await page.locator('[data-testid=widget-event] .value').allTextContents();
    expect(values.sort()).toEqual(['<svg onload=alert(1)>', XSS_VALUE].sort());
    expect(await page.locator('main img, main svg:not(.chart)').count()).toBe(0);
    await page.goto(`${origin}/admin/trends?key=xss`);
    expect(await page.locator('[data-testid=top-titles] td').first().textContent()).toBe(XSS_TITLE);
    await page.goto(`${origin}/admin/runs`);
    expect(await page.locator('img').count()).toBe(0);
    await expectNoInjectedScript();
  });

  test('open a trend chart', async () => {
    await page.goto(`${origin}/admin/trends`);
    await page.fill('[data-testid=trend-key]', 'page_view');
    await Promise.all([page.waitForURL(/key=page_view/), page.click('button:has-text("Show")')]);
    expect(await page.locator('[data-testid=trend-chart] rect.bar').count()).toBe(30);
    const counted = await page.locator('[data-testid=trend-chart] rect.bar').evaluateAll((bars) =>
      bars.reduce((sum, bar) => sum + Number(bar.getAttribute('data-count')), 0),
    );
    expect(counted).toBe((HISTORY * 3) / 4);
    expect(await page.textContent('[data-testid=trend-contacts]')).toBe('1');
    await shot('trends');
    await page.selectOption('[data-testid=trend-days]', '90');
    await Promise.all([page.waitForURL(/days=90/), page.click('button:has-text("Show")')]);
    expect(await page.locator('[data-testid=trend-chart] rect.bar').count()).toBe(90);
  });

  test('automation runs, filtered by status', async () => {
    await page.goto(`${origin}/admin/runs`);
    expect(await page.locator('[data-testid=run]').count()).toBe(10);
    await Promise.all([page.waitForURL(/status=failed/), page.click('a:has-text("failed")')]);
    expect(await page.locator('[data-testid=run]').count()).toBe(5);
    await shot('runs');
    await expectNoInjectedScript();
  });

  test('sign out', async () => {
    await Promise.all([page.waitForURL(`${origin}/admin/login`), page.click('[data-testid=logout]')]);
    await page.goto(`${origin}/admin/contacts`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await expectNoInjectedScript();
  });
});
