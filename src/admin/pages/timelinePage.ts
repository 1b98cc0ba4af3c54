import type { ContactRecord } from '../../contacts/contactRecord';
import { formatDateTime } from '../../format/dateTime';
import type { Paginator } from '../../pagination/paginator';
import type { TrackedEventListItem } from '../../tracking/eventRecord';
import { renderEventValue } from '../eventValue';
import { html, queryString, type SafeHtml } from '../html';
import { layout, notice, type PageContext } from '../layout';
import { formatTimelineCursor, type TimelineEntry } from '../queries/timelineQuery';

export interface TimelineView {
  contact: ContactRecord;
  /** FluentCRM's widget: one row per key+title, 15 a page, newest first. */
  events: Paginator<TrackedEventListItem>;
  /** The history page, newest first; one more than shown when there is a next page. */
  entries: TimelineEntry[];
  pageSize: number;
  /** Whether this page was reached through a cursor (so "newest" is offered). */
  paged: boolean;
  key: string;
  total: number;
  timeZone: string;
  canWrite: boolean;
  message?: string;
  error?: string;
}

/** A contact's page: the event widget, then the occurrence history as a timeline, filterable by key. */
export function timelinePage(ctx: PageContext, view: TimelineView): SafeHtml {
  const { contact, events } = view;
  const self = `${ctx.base}/contacts/${contact.id}`;
  const shown = view.entries.slice(0, view.pageSize);
  const next = view.entries.length > view.pageSize ? shown[shown.length - 1] : null;
  const widgetLink = (page: number) => `${self}${queryString({ key: view.key, events_page: page > 1 ? page : undefined })}`;
  const name = [contact.first_name, contact.last_name].filter(Boolean).join(' ');
  return layout(
    ctx,
    contact.email,
    'contacts',
    html`<p><a href="${ctx.base}/contacts">← Contacts</a></p>
<h1>${name || contact.email} <span class="muted">#${contact.id}</span></h1>
<p class="muted">${contact.email} · ${contact.status} · since ${contact.created_at}</p>
${view.message ? notice('info', view.message) : ''}
${view.error ? notice('error', view.error) : ''}
<h2>Event Tracking</h2>
<div class="card widget" data-testid="event-widget">
  ${events.data.length === 0 ? html`<p class="muted">No events tracked yet.</p>` : ''}
  ${events.data.map(
    (e) => html`<div class="event" data-testid="widget-event">
    <div><a href="${self}${queryString({ key: e.event_key })}" class="badge" title="Show this key's history">${e.event_key}<span class="counter">${e.counter}</span></a></div>
    <div><strong>${e.title}</strong><div>${renderEventValue(e.value)}</div></div>
    <div class="muted">${e.updated_at}</div>
  </div>`,
  )}
  ${
    events.last_page > 1
      ? html`<div class="pager">
    ${events.current_page > 1 ? html`<a href="${widgetLink(events.current_page - 1)}">← Newer</a>` : ''}
    <span class="muted">Events page ${events.current_page} of ${events.last_page}</span>
    ${events.current_page < events.last_page ? html`<a href="${widgetLink(events.current_page + 1)}" data-testid="widget-next">Older →</a>` : ''}
  </div>`
      : ''
  }
</div>
${view.canWrite ? trackForm(ctx, self) : ''}
<h2>History</h2>
<form method="get" action="${self}" class="row card">
  <label for="key">Event key</label>
  <input type="text" id="key" name="key" value="${view.key}" list="contact-keys" placeholder="all keys" data-testid="timeline-key">
  <datalist id="contact-keys">${[...new Set(events.data.map((e) => e.event_key))].map((k) => html`<option value="${k}"></option>`)}</datalist>
  <button type="submit">Filter</button>
  ${view.key ? html`<a href="${self}">All keys</a>` : ''}
  <span class="count" data-testid="timeline-total">${view.total} ${view.total === 1 ? 'occurrence' : 'occurrences'}${view.key ? html` of ${view.key}` : ''}</span>
</form>
<div class="card">
  ${shown.length === 0 ? html`<p class="muted">No occurrences.</p>` : ''}
  <ol class="timeline" data-testid="timeline">
  ${shown.map(
    (o) => html`<li data-testid="occurrence" data-id="${o.id}">
    <div class="when">${formatDateTime(o.occurred_at, view.timeZone)} · <span class="badge">${o.event_key}</span> ${o.title} · #${o.counter}</div>
    <div>${renderEventValue(o.value)}</div>
  </li>`,
  )}
  </ol>
  <div class="pager">
    ${view.paged ? html`<a href="${self}${queryString({ key: view.key })}" data-testid="timeline-newest">↑ Newest</a>` : ''}
    ${next ? html`<a href="${self}${queryString({ key: view.key, before: formatTimelineCursor(next) })}" data-testid="timeline-older">Older →</a>` : ''}
  </div>
</div>`,
  );
}

/** Manage credentials only: track an event for this contact (the one writing form besides sign-out). */
function trackForm(ctx: PageContext, self: string): SafeHtml {
  return html`<details class="card"><summary>Track an event for this contact</summary>
<form method="post" action="${self}/events" class="row" data-testid="track-form">
  <input type="hidden" name="_csrf" value="${ctx.csrf}">
  <input type="text" name="event_key" placeholder="event key" required>
  <input type="text" name="title" placeholder="title" required>
  <input type="text" name="value" placeholder="value (optional)">
  <button type="submit">Track</button>
</form></details>`;
}
