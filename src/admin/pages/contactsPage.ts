import type { ContactListItem } from '../../api/contactsApi';
import type { Paginator } from '../../pagination/paginator';
import { html, jsonData, queryString, type SafeHtml } from '../html';
import { layout, notice, type PageContext } from '../layout';
import { SEGMENT_ITEM_TYPES } from '../segmentItems';

export interface ContactsView {
  search: string;
  /** The advanced-filter JSON as given in the URL ('' for none). */
  filterText: string;
  /** The parsed filter for the builder (null when none or unparsable). */
  filter: unknown;
  result: Paginator<ContactListItem> | null;
  error?: string;
  keys: string[];
}

/** Contacts: search, the segment builder (filter kept in the URL) and the matching page. */
export function contactsPage(ctx: PageContext, view: ContactsView): SafeHtml {
  const { result } = view;
  const pageLink = (page: number) =>
    `${ctx.base}/contacts${queryString({ search: view.search, advanced_filters: view.filterText, page: page > 1 ? page : undefined })}`;
  return layout(
    ctx,
    'Contacts',
    'contacts',
    html`<h1>Contacts</h1>
<form method="get" action="${ctx.base}/contacts" class="card segment" data-testid="segment-form">
  <div class="row">
    <input type="search" name="search" placeholder="Search e-mail or name" value="${view.search}" data-testid="search">
    <button type="submit" data-testid="apply">Apply</button>
    <a class="button secondary" href="${ctx.base}/contacts">Clear</a>
  </div>
  <h2>Segment</h2>
  <div id="segment-builder" data-base="${ctx.base}"></div>
  <datalist id="event-keys">${view.keys.map((key) => html`<option value="${key}"></option>`)}</datalist>
  <details>
    <summary class="muted">Filter JSON (FluentCRM advanced filters: groups ORed, items ANDed)</summary>
    <textarea id="advanced-filters" name="advanced_filters" rows="4" data-testid="filter-json">${view.filterText}</textarea>
  </details>
  <script type="application/json" id="segment-item-types">${jsonData(SEGMENT_ITEM_TYPES)}</script>
  <script type="application/json" id="segment-filter">${jsonData(view.filter ?? [])}</script>
</form>
${view.error ? notice('error', view.error) : ''}
${
  result
    ? html`<p class="count" data-testid="match-count">${result.total} ${result.total === 1 ? 'contact matches' : 'contacts match'}</p>
<table data-testid="contacts">
  <thead><tr><th>ID</th><th>E-mail</th><th>Name</th><th>Status</th><th>Created</th></tr></thead>
  <tbody>
  ${result.data.map(
    (c) => html`<tr>
    <td>${c.id}</td>
    <td><a href="${ctx.base}/contacts/${c.id}" data-testid="contact-link">${c.email}</a></td>
    <td>${[c.first_name, c.last_name].filter(Boolean).join(' ')}</td>
    <td>${c.status}</td>
    <td class="muted">${c.created_at}</td>
  </tr>`,
  )}
  </tbody>
</table>
<div class="pager">
  ${result.current_page > 1 ? html`<a href="${pageLink(result.current_page - 1)}" data-testid="prev">← Newer</a>` : ''}
  <span class="muted">Page ${result.current_page} of ${result.last_page}</span>
  ${result.current_page < result.last_page ? html`<a href="${pageLink(result.current_page + 1)}" data-testid="next">Older →</a>` : ''}
</div>`
    : ''
}`,
  );
}
