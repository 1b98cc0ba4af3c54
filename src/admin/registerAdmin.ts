import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasCapability } from '../auth/capabilities';
import { tableNames } from '../db/tableNames';
import { isFcrmError } from '../errors';
import { listEventKeyOptions } from '../filters';
import { checkCredentials } from '../rest/authentication';
import type { AdminDeps } from './adminDeps';
import { addAdminHeaders, adminBase, servedOverHttps } from './adminSecurity';
import { registerAssets } from './assets/assetRoutes';
import { readCookie, serializeCookie } from './cookies';
import { csrfTokenFor, newLoginToken, tokensMatch } from './csrf';
import { html, type SafeHtml } from './html';
import { document, layout, notice, type PageContext } from './layout';
import { contactsPage } from './pages/contactsPage';
import { loginPage } from './pages/loginPage';
import { runsPage } from './pages/runsPage';
import { timelinePage } from './pages/timelinePage';
import { trendsPage } from './pages/trendsPage';
import { isRunStatus, RunsQuery } from './queries/runsQuery';
import { parseTimelineCursor, TimelineQuery } from './queries/timelineQuery';
import { TREND_WINDOWS, TrendQuery, type TrendWindow } from './queries/trendQuery';
import { AdminSessionStore, SESSION_TTL_MS, type AdminSession } from './sessionStore';

export const SESSION_COOKIE = 'fcrm_admin_session';
const LOGIN_COOKIE = 'fcrm_admin_login';
const CONTACTS_PER_PAGE = 20;
const WIDGET_PER_PAGE = 15;
const TIMELINE_PER_PAGE = 50;
const RUNS_PER_PAGE = 50;
const KEY_OPTIONS = 100;
/** An event key is at most 192 characters; a longer one can match nothing. */
const MAX_KEY_LENGTH = 192;
const MAX_SEARCH_LENGTH = 200;
/** A filter longer than this is refused before parsing (the REST route's body limit is the bound there). */
const MAX_FILTER_LENGTH = 20_000;

declare module 'fastify' {
  interface FastifyRequest {
    adminSession?: AdminSession;
  }
}

type Query = Record<string, string | string[] | undefined>;

/**
 * The admin page under /admin: server-rendered HTML (every value escaped by `html`), a session
 * cookie after signing in with an application password, CSRF tokens on every form that writes,
 * read-only credentials see everything and change nothing. Reads go through the API and the same
 * read budget as the REST routes.
 */
export async function registerAdmin(app: FastifyInstance, deps: AdminDeps): Promise<void> {
  const { runtime } = deps;
  const tables = tableNames(runtime.database.schema);
  const sessions = new AdminSessionStore(runtime.dataSource, runtime.database.schema);
  const timeline = new TimelineQuery(runtime.dataSource, tables);
  const trends = new TrendQuery(runtime.dataSource, tables, deps.timeZone);
  const runs = new RunsQuery(runtime.dataSource, runtime.database.schema);
  const base = adminBase(app);
  const cookie = (request: FastifyRequest, name: string, value: string, maxAge?: number) =>
    serializeCookie(name, value, { path: base, secure: servedOverHttps(request), maxAge });
  const keyOptions = (search?: string) =>
    runtime.reads.run(() => listEventKeyOptions(runtime.dataSource, tables, { search, limit: KEY_OPTIONS }));
  const sendHtml = (reply: FastifyReply, page: SafeHtml, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(page.text);

  addAdminHeaders(app);
  registerAssets(app);

  /** Signed in, or answered: a page request is sent to the sign-in form, anything else gets 401. */
  async function signedIn(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const session = await sessions.find(readCookie(request.headers.cookie, SESSION_COOKIE));
    if (session && hasCapability(session.principal, 'fcrm_read_contacts')) {
      request.adminSession = session;
      return;
    }
    if (request.method === 'GET') {
      const next = request.url.startsWith(`${base}/`) ? request.url : undefined;
      return reply.redirect(`${base}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`, 303);
    }
    return sendHtml(reply, document(base, 'Signed out', notice('error', html`Your session has ended. <a href="${base}/login">Sign in</a> again.`)), 401);
  }

  function context(request: FastifyRequest): PageContext {
    const session = request.adminSession!;
    return { base, principal: session.principal, csrf: csrfTokenFor(session.id) };
  }

  /** A writing form: the session's CSRF token, and (unless only signing out) a manage credential. */
  function mayWrite(request: FastifyRequest, reply: FastifyReply, needsManage: boolean): boolean {
    const session = request.adminSession!;
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (!tokensMatch(body._csrf, csrfTokenFor(session.id))) {
      sendHtml(reply, document(base, 'Refused', notice('error', 'The form has expired or did not come from this page. Reload the page and try again.')), 403);
      return false;
    }
    if (needsManage && !hasCapability(session.principal, 'fcrm_manage_contacts')) {
      sendHtml(reply, layout(context(request), 'Refused', null, notice('error', 'This credential is read-only: it cannot change anything.')), 403);
      return false;
    }
    return true;
  }

  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect(`${base}/contacts`, 303));

  app.get<{ Querystring: Query }>('/login', { schema: { hide: true } }, async (request, reply) => {
    const token = newLoginToken();
    reply.header('set-cookie', cookie(request, LOGIN_COOKIE, token));
    return sendHtml(reply, loginPage(base, { token, next: safeNext(base, request.query.next) }));
  });

  app.post<{ Body: Record<string, unknown> }>('/login', { schema: { hide: true } }, async (request, reply) => {
    const body = request.body ?? {};
    const name = typeof body.name === 'string' ? body.name : '';
    const next = safeNext(base, body.next);
    const again = (error: string, status: number, headers: Record<string, string> = {}) => {
      const token = newLoginToken();
      reply.headers(headers).header('set-cookie', cookie(request, LOGIN_COOKIE, token));
      return sendHtml(reply, loginPage(base, { token, next, error, name }), status);
    };
    if (!tokensMatch(body._csrf, readCookie(request.headers.cookie, LOGIN_COOKIE))) {
      return again('The sign-in form expired. Please try again.', 403);
    }
    const password = typeof body.password === 'string' ? body.password : '';
    if (name === '' || password === '') return again('Enter the credential name and its application password.', 400);
    const outcome = await checkCredentials(deps, request.ip, name, password);
    if ('status' in outcome) {
      const message =
        outcome.status === 401 ? 'Wrong credential name or password.' : outcome.body.message;
      return again(message, outcome.status, outcome.headers);
    }
    if (!hasCapability(outcome, 'fcrm_read_contacts')) return again('This credential may not read contacts.', 403);
    const id = await sessions.create(outcome.name);
    reply.header('set-cookie', [
      cookie(request, SESSION_COOKIE, id, Math.floor(SESSION_TTL_MS / 1000)),
      cookie(request, LOGIN_COOKIE, '', 0),
    ]);
    return reply.redirect(next ?? `${base}/contacts`, 303);
  });

  app.post('/logout', { schema: { hide: true }, onRequest: signedIn }, async (request, reply) => {
    if (!mayWrite(request, reply, false)) return reply;
    await sessions.remove(request.adminSession!.id);
    reply.header('set-cookie', cookie(request, SESSION_COOKIE, '', 0));
    return reply.redirect(`${base}/login`, 303);
  });

  app.get<{ Querystring: Query }>('/contacts', { schema: { hide: true }, onRequest: signedIn }, async (request, reply) => {
    const search = text(request.query.search).slice(0, MAX_SEARCH_LENGTH);
    const filterText = text(request.query.advanced_filters).trim();
    const page = text(request.query.page) || undefined;
    const keys = (await keyOptions()).map((o) => o.id);
    const filter = parseJson(filterText);
    try {
      if (filterText.length > MAX_FILTER_LENGTH) throw new RangeError(`The filter is longer than ${MAX_FILTER_LENGTH} characters.`);
      const result = await runtime
        .api('contacts')
        .query({ filters: filterText === '' ? undefined : filterText, search: search || undefined, page, per_page: CONTACTS_PER_PAGE });
      return sendHtml(reply, contactsPage(context(request), { search, filterText, filter, result, keys }));
    } catch (error) {
      if (!isFcrmError(error) && !(error instanceof RangeError)) throw error;
      return sendHtml(reply, contactsPage(context(request), { search, filterText, filter, result: null, keys, error: error.message }), 422);
    }
  });

  app.get<{ Params: { id: string }; Querystring: Query }>(
    '/contacts/:id(^\\d{1,18}$)',
    { schema: { hide: true }, onRequest: signedIn },
    async (request, reply) => {
      const id = request.params.id;
      const ctx = context(request);
      const key = text(request.query.key).trim().slice(0, MAX_KEY_LENGTH);
      const before = parseTimelineCursor(text(request.query.before));
      const contact = await runtime.api('contacts').getContact(id);
      if (!contact) return sendHtml(reply, layout(ctx, 'Not found', 'contacts', notice('error', `No contact ${id}.`)), 404);
      let eventsPage = text(request.query.events_page) || undefined;
      if (eventsPage !== undefined && !/^\d{1,6}$/.test(eventsPage)) eventsPage = undefined;
      const [events, entries, total] = await Promise.all([
        runtime.api('event_tracker').getEvents(id, { page: eventsPage, per_page: WIDGET_PER_PAGE }),
        runtime.reads.run(() => timeline.page(id, { key: key || undefined, before, limit: TIMELINE_PER_PAGE + 1 })),
        runtime.reads.run(() => timeline.total(id, key || undefined)),
      ]);
      const tracked = text(request.query.tracked) === '1';
      const errorCode = text(request.query.track_error);
      const trackError = Object.hasOwn(TRACK_ERRORS, errorCode) ? TRACK_ERRORS[errorCode] : undefined;
      return sendHtml(
        reply,
        timelinePage(ctx, {
          contact,
          events,
          entries,
          pageSize: TIMELINE_PER_PAGE,
          paged: before !== null,
          key,
          total,
          timeZone: deps.timeZone,
          canWrite: hasCapability(ctx.principal, 'fcrm_manage_contacts'),
          message: tracked ? 'The event was tracked.' : undefined,
          error: trackError,
        }),
      );
    },
  );

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/contacts/:id(^\\d{1,18}$)/events',
    { schema: { hide: true }, onRequest: signedIn },
    async (request, reply) => {
      if (!mayWrite(request, reply, true)) return reply;
      const id = request.params.id;
      const body = request.body ?? {};
      try {
        await runtime.api('event_tracker').track({
          subscriber_id: id,
          event_key: text(body.event_key),
          title: text(body.title),
          value: text(body.value),
          provider: 'admin',
        });
        return reply.redirect(`${base}/contacts/${id}?tracked=1`, 303);
      } catch (error) {
        if (!isFcrmError(error)) throw error;
        const code = Object.hasOwn(TRACK_ERRORS, error.code) ? error.code : 'invalid_data';
        return reply.redirect(`${base}/contacts/${id}?track_error=${code}`, 303);
      }
    },
  );

  app.get<{ Querystring: Query }>('/trends', { schema: { hide: true }, onRequest: signedIn }, async (request, reply) => {
    const key = text(request.query.key).trim().slice(0, MAX_KEY_LENGTH);
    const daysText = text(request.query.days);
    const days: TrendWindow = (TREND_WINDOWS as readonly number[]).includes(Number(daysText)) ? (Number(daysText) as TrendWindow) : 30;
    const [keys, trend] = await Promise.all([
      keyOptions().then((options) => options.map((o) => o.id)),
      key ? runtime.reads.run(() => trends.trend(key, days)) : Promise.resolve(null),
    ]);
    return sendHtml(reply, trendsPage(context(request), { key, days, trend, keys }));
  });

  app.get<{ Querystring: Query }>('/runs', { schema: { hide: true }, onRequest: signedIn }, async (request, reply) => {
    const statusText = text(request.query.status);
    const status = isRunStatus(statusText) ? statusText : null;
    const beforeText = text(request.query.before);
    const beforeId = /^\d{1,18}$/.test(beforeText) ? beforeText : undefined;
    const list = await runtime.reads.run(() => runs.page({ status: status ?? undefined, beforeId, limit: RUNS_PER_PAGE + 1 }));
    return sendHtml(
      reply,
      runsPage(context(request), { status, runs: list, pageSize: RUNS_PER_PAGE, paged: beforeId !== undefined, timeZone: deps.timeZone }),
    );
  });

  // The builder's key picker: the same option list as GET /reports/ajax-options?option_key=event_tracking_keys.
  app.get<{ Querystring: Query }>('/key-options', { schema: { hide: true }, onRequest: signedIn }, async (request) => {
    const search = text(request.query.search).slice(0, MAX_KEY_LENGTH);
    return { options: await keyOptions(search || undefined) };
  });
}

/** Error codes of a refused track form, with what the page says (codes only travel in the URL). */
const TRACK_ERRORS: Record<string, string> = {
  invalid_data: 'The event was not tracked: an event key and a title are required.',
  value_too_long: 'The event was not tracked: the value is too long.',
  subscriber_not_found: 'The event was not tracked: the contact no longer exists.',
};

/** A query or form field as one string ('' when missing or repeated). */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function parseJson(value: string): unknown {
  if (value === '') return null;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}

/** Where to go after signing in: only a path of the admin page (never another site: no open redirect). */
function safeNext(base: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 4000) return undefined;
  if (!value.startsWith(`${base}/`) || value.startsWith('//') || value.includes('\\')) return undefined;
  if (value.startsWith(`${base}/login`)) return undefined;
  return value;
}
