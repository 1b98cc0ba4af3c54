import { barChart } from '../chart';
import { html, queryString, type SafeHtml } from '../html';
import { layout, notice, type PageContext } from '../layout';
import { TREND_WINDOWS, type EventTrend, type TrendWindow } from '../queries/trendQuery';

export interface TrendsView {
  key: string;
  days: TrendWindow;
  trend: EventTrend | null;
  keys: string[];
  error?: string;
}

/** One key's trend: occurrences per day (SVG), contacts with the key, top titles. */
export function trendsPage(ctx: PageContext, view: TrendsView): SafeHtml {
  const { trend } = view;
  const total = trend ? trend.perDay.reduce((sum, p) => sum + p.count, 0) : 0;
  return layout(
    ctx,
    view.key ? `Trend: ${view.key}` : 'Event trends',
    'trends',
    html`<h1>Event trends</h1>
<form method="get" action="${ctx.base}/trends" class="row card">
  <label for="key">Event key</label>
  <input type="text" id="key" name="key" value="${view.key}" list="event-keys" required data-testid="trend-key">
  <datalist id="event-keys">${view.keys.map((k) => html`<option value="${k}"></option>`)}</datalist>
  <select name="days" data-testid="trend-days">${TREND_WINDOWS.map(
    (d) => html`<option value="${d}"${d === view.days ? html` selected` : ''}>last ${d} days</option>`,
  )}</select>
  <button type="submit">Show</button>
</form>
${view.error ? notice('error', view.error) : ''}
${
  !trend
    ? html`<p class="muted">Pick an event key: ${view.keys.slice(0, 20).map((k) => html`<a href="${ctx.base}/trends${queryString({ key: k })}">${k}</a> `)}</p>`
    : html`<div class="stats">
  <div class="card"><div class="muted">Occurrences, last ${trend.days} days</div><div class="big" data-testid="trend-total">${total}</div></div>
  <div class="card"><div class="muted">Contacts with ${trend.key}</div><div class="big" data-testid="trend-contacts">${trend.contacts}</div></div>
</div>
<div class="card"><h2>Occurrences per day</h2>${barChart(trend.perDay)}</div>
<div class="card"><h2>Top titles</h2>
<table data-testid="top-titles"><thead><tr><th>Title</th><th>Contacts</th><th>Occurrences</th></tr></thead><tbody>
${trend.topTitles.map((t) => html`<tr><td>${t.title}</td><td>${t.contacts}</td><td>${t.occurrences}</td></tr>`)}
</tbody></table></div>`
}`,
  );
}
