import { RUN_STATUSES, type RunStatus } from '../../automation/runsTable';
import { formatDateTime } from '../../format/dateTime';
import { html, queryString, type SafeHtml } from '../html';
import { layout, type PageContext } from '../layout';
import type { RunListEntry } from '../queries/runsQuery';

export interface RunsView {
  status: RunStatus | null;
  /** One more than shown when there is a next page. */
  runs: RunListEntry[];
  pageSize: number;
  paged: boolean;
  timeZone: string;
}

/** Recent automation runs, newest first, filterable by status. */
export function runsPage(ctx: PageContext, view: RunsView): SafeHtml {
  const shown = view.runs.slice(0, view.pageSize);
  const more = view.runs.length > view.pageSize;
  const tab = (status: RunStatus | null, label: string) =>
    html`<a class="button ${view.status === status ? '' : 'secondary'}" href="${ctx.base}/runs${queryString({ status: status ?? undefined })}">${label}</a>`;
  return layout(
    ctx,
    'Automation runs',
    'runs',
    html`<h1>Automation runs</h1>
<div class="row">${tab(null, 'All')}${RUN_STATUSES.map((s) => tab(s, s))}</div>
<table data-testid="runs" class="card">
<thead><tr><th>Run</th><th>Automation</th><th>Contact</th><th>Status</th><th>Error</th><th>Started</th><th>Finished</th></tr></thead>
<tbody>
${shown.length === 0 ? html`<tr><td colspan="7" class="muted">No runs.</td></tr>` : ''}
${shown.map(
  (r) => html`<tr data-testid="run">
  <td>${r.id}</td>
  <td>${r.automation_id}</td>
  <td><a href="${ctx.base}/contacts/${r.subscriber_id}">${r.email ?? `#${r.subscriber_id}`}</a></td>
  <td><span class="badge status-${r.status}">${r.status}</span></td>
  <td class="value">${r.error ?? ''}</td>
  <td class="muted nowrap">${formatDateTime(new Date(r.created_at), view.timeZone)}</td>
  <td class="muted nowrap">${r.finished_at ? formatDateTime(new Date(r.finished_at), view.timeZone) : ''}</td>
</tr>`,
)}
</tbody></table>
<div class="pager">
  ${view.paged ? html`<a href="${ctx.base}/runs${queryString({ status: view.status ?? undefined })}">↑ Newest</a>` : ''}
  ${more ? html`<a href="${ctx.base}/runs${queryString({ status: view.status ?? undefined, before: shown[shown.length - 1].id })}">Older →</a>` : ''}
</div>`,
  );
}
