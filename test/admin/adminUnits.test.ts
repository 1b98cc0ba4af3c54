import { FILTER_PROPERTIES } from '../../src/filters';
import { PROPERTY_RULES } from '../../src/filters/filterProperties';
import { SEGMENT_ITEM_TYPES } from '../../src/admin/segmentItems';
import { escapeHtml, html, jsonData } from '../../src/admin/html';
import { renderEventValue } from '../../src/admin/eventValue';
import { barChart } from '../../src/admin/chart';
import { readCookie, serializeCookie } from '../../src/admin/cookies';
import { startBanner } from '../../src/server/banner';
import type { RunningServer } from '../../src/server/launchServer';

describe('segment builder item types', () => {
  test.each(FILTER_PROPERTIES.map((p) => [p]))('%s is offered with exactly the operators the server accepts', (property) => {
    const type = SEGMENT_ITEM_TYPES.find((t) => t.property === property);
    expect(type).toBeDefined();
    expect([...type!.operators].sort()).toEqual([...PROPERTY_RULES[property].operators].sort());
    expect(type!.eventKey).toBe(PROPERTY_RULES[property].needsEventKey);
    expect((type!.fields ?? []).some((f) => f.name === 'days' && !f.optional)).toBe(PROPERTY_RULES[property].needsDays === true);
  });

  test('each property is listed once', () => {
    const names = SEGMENT_ITEM_TYPES.map((t) => t.property);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('html', () => {
  test('escapes every interpolated value, in content and attributes', () => {
    const value = `"><img src=x onerror=alert(1)>'\`&`;
    expect(html`<a title="${value}">${value}</a>`.text).toBe(
      '<a title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&#96;&amp;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&#96;&amp;</a>',
    );
    expect(escapeHtml('<script>')).toBe('&lt;script&gt;');
  });

  test('nested html is kept, arrays joined, null/undefined/false render nothing', () => {
    expect(html`<p>${[html`<b>${'<i>'}</b>`, 1, null, undefined, false]}</p>`.text).toBe('<p><b>&lt;i&gt;</b>1</p>');
  });

  test('a JSON data block cannot be closed by a value', () => {
    const text = jsonData({ v: '</script><script>alert(1)</script>' }).text;
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual({ v: '</script><script>alert(1)</script>' });
  });

  test('structured event values become escaped key/value pairs; plain text stays text', () => {
    expect(renderEventValue('{"a":{"b":"<x>"},"n":[1,true]}').text).toBe(
      '<dl class="pairs"><dt>a.b</dt><dd>&lt;x&gt;</dd><dt>n.0</dt><dd>1</dd><dt>n.1</dt><dd>true</dd></dl>',
    );
    expect(renderEventValue('{not json').text).toBe('<span class="value">{not json</span>');
    const many = JSON.stringify(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i])));
    expect(renderEventValue(many).text).toContain('… and 10 more');
  });

  test('the chart has a bar per day, scaled to the largest count, with escaped labels', () => {
    const svg = barChart([
      { day: '2026-03-01', count: 0 },
      { day: '2026-03-02', count: 4 },
    ]).text;
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(2);
    expect(svg).toContain('data-day="2026-03-02" data-count="4"');
  });
});

describe('cookies', () => {
  test('the session cookie is HttpOnly and SameSite=Strict, Secure only when asked', () => {
    expect(serializeCookie('s', 'a b', { path: '/admin', secure: false, maxAge: 60 })).toBe('s=a%20b; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=60');
    expect(serializeCookie('s', 'x', { path: '/admin', secure: true })).toBe('s=x; Path=/admin; HttpOnly; SameSite=Strict; Secure');
  });

  test('reads one cookie of a header', () => {
    expect(readCookie('a=1; fcrm_admin_session=xyz; b=2', 'fcrm_admin_session')).toBe('xyz');
    expect(readCookie('a=%E0%A4%A', 'a')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
  });
});

test('the start banner prints the admin page URL', () => {
  const server = {
    baseUrl: 'http://127.0.0.1:8080/wp-json/fluent-crm/v2',
    administrator: null,
    runtime: { database: { kind: 'postgres', url: 'postgres://x', schema: 'public' } },
  } as unknown as RunningServer;
  expect(startBanner(server)).toContain('Admin page: http://127.0.0.1:8080/admin (sign in with an application password)');
});
