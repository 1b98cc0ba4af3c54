import { randomBytes } from 'node:crypto';
import type { HookRegistry } from '../../hooks/registry';
import type { SqlRunner } from '../db/preparedStatements';
import { FcrmError } from '../errors';
import { formatDateTime } from '../format/dateTime';
import { parsePageParams } from '../pagination/pageParams';
import { buildPaginator, type Paginator } from '../pagination/paginator';
import type { Logger } from '../runtime/logger';
import { LIMITS } from '../tracking/limits';
import { checkRetrySchedule, DEFAULT_RETRY, type RetrySchedule } from './backoff';
import { WebhookDispatcher } from './webhookDispatcher';
import { WebhookEnqueuer } from './webhookEnqueuer';
import { WebhookStore, type DeliveryRow, type DeliveryState, type WebhookRow } from './webhookStore';
import { webhookUrlProblem } from './webhookUrl';

export interface WebhookOptions {
  /** At most this many webhooks (default 100). */
  maxWebhooks?: number;
  /** Send from this process (default: when the runtime delivers done actions). */
  dispatch?: boolean;
  pollIntervalMs?: number;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** How often each process looks whether any webhook exists (default 1 s): a webhook created through another process is served within this time. */
  refreshMs?: number;
  retry?: Partial<RetrySchedule>;
  /** Delivered and failed deliveries are kept this long after their last attempt, for GET …/deliveries (default 7 days). */
  retentionMs?: number;
}

export interface WebhookRecord {
  id: number;
  url: string;
  /** Lower-cased; null = every event key. */
  event_keys: string[] | null;
  created_at: string;
}

export interface DeliveryRecord {
  id: number;
  delivery_id: string;
  event_key: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhooksApi {
  /** Registers a webhook; the answer is the only one that carries its secret. */
  create(input: { url?: unknown; event_keys?: unknown }): Promise<WebhookRecord & { secret: string }>;
  list(): Promise<WebhookRecord[]>;
  /** Throws FcrmError('not_found'). */
  get(id: string): Promise<WebhookRecord>;
  remove(id: string): Promise<void>;
  deliveries(id: string, page: { page?: unknown; per_page?: unknown; path: string }): Promise<Paginator<DeliveryRecord>>;
}

const MAX_EVENT_KEYS = 100;

/** Wires the webhook store, the done-action listener that enqueues and the dispatcher that sends. */
export function createWebhooks(deps: { db: SqlRunner; schema: string; hooks: HookRegistry; logger: Logger; timeZone: string; deliver: boolean; options?: WebhookOptions }) {
  const o = deps.options ?? {};
  const maxWebhooks = positive(o.maxWebhooks ?? 100, 'maxWebhooks');
  const retry: RetrySchedule = { ...DEFAULT_RETRY, ...o.retry };
  checkRetrySchedule(retry);
  const store = new WebhookStore(deps.db, deps.schema);
  const dispatcher = new WebhookDispatcher({
    store,
    logger: deps.logger,
    retry,
    pollIntervalMs: positive(o.pollIntervalMs ?? 1_000, 'pollIntervalMs'),
    timeoutMs: positive(o.timeoutMs ?? 10_000, 'timeoutMs'),
    concurrency: positive(o.concurrency ?? 8, 'concurrency'),
    retentionMs: positive(o.retentionMs ?? 7 * 24 * 3_600_000, 'retentionMs'),
  });
  const enqueuer = new WebhookEnqueuer(store, deps.hooks, deps.logger, positive(o.refreshMs ?? 1_000, 'refreshMs'), () => dispatcher.wake());
  const dispatch = o.dispatch ?? deps.deliver;

  const toRecord = (row: WebhookRow): WebhookRecord => ({
    id: Number(row.id),
    url: row.url,
    event_keys: row.event_keys,
    created_at: formatDateTime(new Date(row.created_at), deps.timeZone),
  });
  const find = async (id: string): Promise<WebhookRow> => {
    const row = /^\d{1,18}$/.test(id) ? await store.get(id) : null;
    if (!row) throw new FcrmError('not_found', `No webhook with id ${JSON.stringify(id.slice(0, 30))}`);
    return row;
  };

  const api: WebhooksApi = {
    async create(input) {
      const problem = webhookUrlProblem(input.url);
      if (problem) throw new FcrmError('invalid_data', problem);
      const eventKeys = parseEventKeys(input.event_keys);
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const row = await store.create(input.url as string, eventKeys, secret, maxWebhooks);
      if (!row) throw new FcrmError('invalid_data', `At most ${maxWebhooks} webhooks can be registered; delete one first.`);
      await enqueuer.refresh();
      return { ...toRecord(row), secret };
    },
    async list() {
      return (await store.list(maxWebhooks)).map(toRecord);
    },
    async get(id) {
      return toRecord(await find(id));
    },
    async remove(id) {
      await find(id);
      if (!(await store.remove(id))) throw new FcrmError('not_found', `No webhook with id ${JSON.stringify(id)}`);
      await enqueuer.refresh();
    },
    async deliveries(id, input) {
      await find(id);
      const { page, perPage } = parsePageParams(input);
      const { rows, total } = await store.deliveries(id, perPage, (page - 1) * perPage);
      return buildPaginator({ data: rows.map((row) => toDelivery(row, deps.timeZone)), total, page, perPage, path: input.path });
    },
  };
  return {
    api,
    /** Looks for webhooks (so done actions right after start-up are enqueued) and starts sending. */
    async start(): Promise<void> {
      await enqueuer.start();
      if (dispatch) dispatcher.start();
    },
    async close(): Promise<void> {
      enqueuer.stop();
      await dispatcher.stop();
    },
  };
}

function toDelivery(row: DeliveryRow, timeZone: string): DeliveryRecord {
  const at = (d: Date | null) => (d === null ? null : formatDateTime(new Date(d), timeZone));
  return {
    id: Number(row.id),
    delivery_id: row.delivery_id,
    event_key: row.event_key,
    state: row.state,
    attempts: row.attempts,
    next_attempt_at: row.state === 'pending' ? at(row.next_attempt_at) : null,
    last_status_code: row.last_status,
    last_error: row.last_error,
    created_at: at(row.created_at) as string,
    updated_at: at(row.updated_at) as string,
  };
}

/** Omitted or null: every event key. Otherwise a non-empty list of keys, matched case-insensitively. */
function parseEventKeys(raw: unknown): string[] | null {
  if (raw === undefined || raw === null) return null;
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_EVENT_KEYS) {
    throw new FcrmError('invalid_data', `event_keys must be a list of 1 to ${MAX_EVENT_KEYS} event keys, or omitted for every key.`);
  }
  const keys = new Set<string>();
  for (const key of list) {
    if (typeof key !== 'string' || key.trim() === '' || [...key].length > LIMITS.eventKey) {
      throw new FcrmError('invalid_data', `Each of event_keys must be a non-empty string of at most ${LIMITS.eventKey} characters.`);
    }
    keys.add(key.trim().toLowerCase());
  }
  return [...keys];
}

function positive(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`webhooks.${name} must be a positive whole number`);
  return value;
}
