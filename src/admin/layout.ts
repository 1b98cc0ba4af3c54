import type { Principal } from '../auth/principal';
import { hasCapability } from '../auth/capabilities';
import { html, type HtmlValue, type SafeHtml } from './html';
import { ASSET_PATHS } from './assets/assetRoutes';

export interface PageContext {
  /** e.g. /admin, or /crm/admin behind a proxy with PUBLIC_URL https://host/crm. */
  base: string;
  principal: Principal;
  csrf: string;
}

export type Section = 'contacts' | 'trends' | 'runs';

/** The page frame: head with local assets only, the navigation, who is signed in, and logout. */
export function layout(ctx: PageContext, title: string, section: Section | null, body: HtmlValue): SafeHtml {
  const readOnly = !hasCapability(ctx.principal, 'fcrm_manage_contacts');
  const link = (name: Section, label: string) =>
    html`<a href="${ctx.base}/${name}" class="${section === name ? 'active' : ''}">${label}</a>`;
  return document(
    ctx.base,
    title,
    html`<header class="top">
  <a class="brand" href="${ctx.base}/contacts">Event Tracking</a>
  <nav>${link('contacts', 'Contacts')}${link('trends', 'Event trends')}${link('runs', 'Automation runs')}</nav>
  <div class="who">
    <span data-testid="signed-in-as">${ctx.principal.name}</span>${readOnly ? html` <span class="badge muted">read-only</span>` : ''}
    <form method="post" action="${ctx.base}/logout" class="inline">
      <input type="hidden" name="_csrf" value="${ctx.csrf}">
      <button type="submit" class="link" data-testid="logout">Sign out</button>
    </form>
  </div>
</header>
<main>${body}</main>`,
  );
}

export function document(base: string, title: string, body: HtmlValue): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<link rel="icon" href="data:,">
<title>${title} · Event Tracking admin</title>
<link rel="stylesheet" href="${base}${ASSET_PATHS.css}">
<script src="${base}${ASSET_PATHS.js}" defer></script>
</head>
<body>
${body}
</body>
</html>`;
}

/** A message box for refused input (a bad filter, an unknown key). */
export function notice(kind: 'error' | 'info', text: HtmlValue): SafeHtml {
  return html`<div class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</div>`;
}
