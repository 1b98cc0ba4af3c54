import { html, type SafeHtml } from './html';

/**
 * Occurrences per day as an SVG bar chart, rendered on the server: no script, no library, and
 * every label goes through `html` like any other value.
 */
export function barChart(points: ReadonlyArray<{ day: string; count: number }>): SafeHtml {
  const width = 900;
  const height = 240;
  const left = 44;
  const bottom = 28;
  const top = 12;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...points.map((p) => p.count));
  const step = plotW / Math.max(1, points.length);
  const barW = Math.max(1, step * 0.75);
  const y = (n: number) => top + plotH - (n / max) * plotH;
  const ticks = [0, Math.round(max / 2), max].filter((v, i, all) => all.indexOf(v) === i);
  const labelEvery = Math.ceil(points.length / 10);
  return html`<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="Occurrences per day" data-testid="trend-chart">
${ticks.map((t) => html`<line class="grid" x1="${left}" x2="${width - 8}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"></line><text x="${left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`)}
<line class="axis" x1="${left}" x2="${width - 8}" y1="${top + plotH}" y2="${top + plotH}"></line>
${points.map((p, i) => {
  const x = left + i * step + (step - barW) / 2;
  const h = (p.count / max) * plotH;
  return html`<rect class="bar" data-day="${p.day}" data-count="${p.count}" x="${x.toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}"><title>${p.day}: ${p.count}</title></rect>${
    i % labelEvery === 0 ? html`<text x="${(x + barW / 2).toFixed(1)}" y="${height - 8}" text-anchor="middle">${p.day.slice(5)}</text>` : ''
  }`;
})}
</svg>`;
}
