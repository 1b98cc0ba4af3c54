import { resolve } from 'node:path';
import { FcrmError, HOOKS, type TrackEventData } from '../../src';
import type { TestServer } from '../helpers/testServer';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The checkout this suite runs in, wherever it is; also as JSON writes it (backslashes doubled). */
const REPOSITORY_ROOT = resolve(__dirname, '..', '..');
/**
 * A body that leaks a file path or a stack frame: this checkout's folder, any source file with a line
 * (`buildServer.ts:77`), absolute paths under the usual parents (also as JSON escapes Windows paths),
 * node_modules, or a V8 stack frame.
 */
export const LEAK = new RegExp(
  [
    escapeRegExp(REPOSITORY_ROOT),
    escapeRegExp(JSON.stringify(REPOSITORY_ROOT).slice(1, -1)),
    String.raw`\b[\w.-]+\.(?:[cm]?[jt]s|json):\d+`,
    String.raw`(?:^|[^\w.])/(?:home|work|root|srv|opt|usr|var|tmp|Users)/[\w.]`,
    // C:\src or, in JSON text, C:\\src; a single backslash before b f n r t u is a JSON escape, not a path.
    String.raw`\b[A-Za-z]:(?:\\\\|\\(?![bfnrtu]))\w`,
    'node_modules',
    String.raw`\bat .*\(.*:\d+:\d+\)`,
  ].join('|'),
);
// idempotency_key_mismatch: a generated key reused with another event (the generators now store often).
export const TRACK_CODES = ['invalid_data', 'subscriber_not_found', 'value_too_long', 'idempotency_key_mismatch'];
/** What a client error may be answered with; never a 500. */
export const CLIENT_STATUSES = [400, 413, 415, 422];

export interface Counts {
  events: number;
  occurrences: number;
  outbox: number;
}

export async function counts(s: Pick<TestServer, 'sql'>): Promise<Counts> {
  const [row] = await s.sql<Counts>(
    `SELECT (SELECT count(*)::int FROM {schema}.fc_event_tracking) AS events,
            (SELECT count(*)::int FROM {schema}.fc_event_occurrences) AS occurrences,
            (SELECT count(*)::int FROM {schema}.fc_event_outbox) AS outbox`,
  );
  return row;
}

/**
 * Nothing half-stored, over the whole schema: every event row has one history row per count of its
 * counter, and (every call here fires the done action) one outbox row per history row.
 */
export async function expectConsistent(s: Pick<TestServer, 'sql'>): Promise<void> {
  const broken = await s.sql(
    `SELECT e.id, e.counter,
            (SELECT count(*)::int FROM {schema}.fc_event_occurrences o WHERE o.event_id = e.id) AS occurrences,
            (SELECT count(*)::int FROM {schema}.fc_event_outbox b WHERE b.event_id = e.id) AS outbox
       FROM {schema}.fc_event_tracking e
      WHERE e.counter <> (SELECT count(*) FROM {schema}.fc_event_occurrences o WHERE o.event_id = e.id)
         OR (SELECT count(*) FROM {schema}.fc_event_outbox b WHERE b.event_id = e.id)
            <> (SELECT count(*) FROM {schema}.fc_event_occurrences o WHERE o.event_id = e.id)`,
  );
  expect(broken).toEqual([]);
  const orphans = await s.sql(
    `SELECT o.id FROM {schema}.fc_event_occurrences o LEFT JOIN {schema}.fc_event_tracking e ON e.id = o.event_id WHERE e.id IS NULL`,
  );
  expect(orphans).toEqual([]);
}

/** The outcome of one call, whichever entrance: a stored row's id, or a typed error's code. */
export type Outcome = { id: number } | { code: string; message: string } | { untyped: unknown };

export async function viaApi(s: TestServer, data: unknown): Promise<Outcome> {
  try {
    const row = await s.rt.api('event_tracker').track(data as never, true);
    return { id: Number(row.id) };
  } catch (error) {
    if (error instanceof FcrmError) return { code: error.code, message: error.message };
    return { untyped: error };
  }
}

/** The hook entrance: must not throw; a failure is announced on track_event_activity_failed. */
export async function viaHook(s: TestServer, data: unknown): Promise<Outcome> {
  const failed: unknown[] = [];
  const tracked: Array<{ id: number }> = [];
  const ns = `test/hostile/${Math.random().toString(36).slice(2)}`;
  s.rt.hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_FAILED, ns, (error: unknown) => failed.push(error));
  s.rt.hooks.addAction(HOOKS.EVENT_TRACKED, ns, (event: { id: number }) => tracked.push(event));
  try {
    try {
      await s.rt.hooks.doActionAsync(HOOKS.TRACK_EVENT_ACTIVITY, data as TrackEventData, true);
    } catch (error) {
      return { untyped: { thrownByDoActionAsync: error } };
    }
    await s.rt.drain();
  } finally {
    s.rt.hooks.removeAction(HOOKS.TRACK_EVENT_ACTIVITY_FAILED, ns);
    s.rt.hooks.removeAction(HOOKS.EVENT_TRACKED, ns);
  }
  if (failed.length + tracked.length !== 1) return { untyped: { failed, tracked } };
  if (tracked.length === 1) return { id: Number(tracked[0].id) };
  const error = failed[0] as { code?: unknown; message?: unknown };
  if (typeof error?.code === 'string' && typeof error.message === 'string') return { code: error.code, message: error.message };
  return { untyped: error };
}

export interface RestAnswer {
  status: number;
  body: unknown;
  text: string;
}

export async function viaRest(s: TestServer, body: string, headers: Record<string, string> = {}): Promise<RestAnswer> {
  const response = await fetch(`${s.base}/subscribers/track-event`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: s.auth.manage, ...headers },
    body,
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

/** A 4xx/200 with a JSON object body that leaks nothing. */
export function expectWellFormed(answer: RestAnswer): void {
  expect(answer.status).not.toBe(500);
  expect(typeof answer.body).toBe('object');
  expect(answer.body).not.toBeNull();
  expect(answer.text).not.toMatch(LEAK);
}

/** The server still tracks a valid event. */
export async function expectStillServing(s: TestServer, subscriberId: number): Promise<void> {
  const answer = await viaRest(s, JSON.stringify({ event_key: 'liveness', title: 'Still serving', subscriber_id: subscriberId }));
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ message: 'Event has been tracked' });
}

export async function eventExists(s: Pick<TestServer, 'sql'>, id: number): Promise<boolean> {
  const rows = await s.sql('SELECT 1 FROM {schema}.fc_event_tracking WHERE id = $1', [id]);
  return rows.length === 1;
}
