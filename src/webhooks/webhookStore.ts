import type { SqlRunner } from '../db/preparedStatements';
import { quoteIdent } from '../db/tableNames';

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface WebhookRow {
  id: string;
  url: string;
  event_keys: string[] | null;
  secret: string;
  created_at: Date;
}

export interface DeliveryRow {
  id: string;
  delivery_id: string;
  event_key: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A delivery claimed for sending, with where and how to sign it. */
export interface ClaimedWebhookDelivery {
  id: string;
  deliveryId: string;
  attempts: number;
  payload: { event: unknown; subscriber: unknown };
  ageMs: number;
  url: string;
  secret: string;
}

/** One done action to enqueue for every webhook that wants its event key. */
export interface DoneActionItem {
  deliveryId: string;
  eventKey: string;
  /** JSON of `{ event, subscriber }`. */
  payload: string;
}

/** Every statement on fc_webhooks and fc_webhook_deliveries, in one place. */
export class WebhookStore {
  private readonly sql: ReturnType<typeof webhookSql>;

  constructor(
    private readonly db: SqlRunner,
    schema: string,
  ) {
    this.sql = webhookSql(quoteIdent(schema));
  }

  /** Inserts the webhook unless `max` exist already; null then. */
  async create(url: string, eventKeys: string[] | null, secret: string, max: number): Promise<WebhookRow | null> {
    const rows = await this.db.query<WebhookRow[]>(this.sql.create, [url, eventKeys, secret, max]);
    return rows[0] ?? null;
  }

  list(limit: number): Promise<WebhookRow[]> {
    return this.db.query<WebhookRow[]>(this.sql.list, [limit]);
  }

  async get(id: string): Promise<WebhookRow | null> {
    const rows = await this.db.query<WebhookRow[]>(this.sql.get, [id]);
    return rows[0] ?? null;
  }

  /** True when it existed; its queued deliveries go with it (ON DELETE CASCADE). */
  async remove(id: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(this.sql.remove, [id]);
    return rows.length > 0;
  }

  async count(): Promise<number> {
    const rows = await this.db.query<Array<{ n: number }>>(this.sql.count);
    return Number(rows[0].n);
  }

  /** One statement for a batch of done actions; a repeat of a (webhook, delivery) pair inserts nothing. */
  async enqueue(items: DoneActionItem[]): Promise<void> {
    if (items.length === 0) return;
    await this.db.query(this.sql.enqueue, [items.map((i) => i.deliveryId), items.map((i) => i.eventKey), items.map((i) => i.payload)]);
  }

  async deliveries(webhookId: string, limit: number, offset: number): Promise<{ rows: DeliveryRow[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.db.query<DeliveryRow[]>(this.sql.deliveries, [webhookId, limit, offset]),
      this.db.query<Array<{ n: number }>>(this.sql.deliveryCount, [webhookId]),
    ]);
    return { rows, total: Number(count[0].n) };
  }

  /**
   * Claims due deliveries: SKIP LOCKED lets several processes share the queue, and pushing
   * next_attempt_at past the send's lease keeps another process from sending the same row meanwhile
   * (if this one dies mid-send, the row is due again when the lease runs out).
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedWebhookDelivery[]> {
    const rows = await this.db.query<
      Array<{ id: string; delivery_id: string; attempts: number; payload: ClaimedWebhookDelivery['payload']; age_ms: number; url: string; secret: string }>
    >(this.sql.claimDue, [limit, leaseMs]);
    return rows.map((r) => ({
      id: String(r.id),
      deliveryId: String(r.delivery_id),
      attempts: r.attempts,
      payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
      ageMs: Number(r.age_ms),
      url: r.url,
      secret: r.secret,
    }));
  }

  /** Forgets delivered and failed rows last touched more than `retentionMs` ago; resolves with how many. */
  async purgeFinished(retentionMs: number): Promise<number> {
    const rows = await this.db.query<unknown[]>(this.sql.purgeFinished, [retentionMs]);
    return rows.length;
  }

  /** Records an attempt: delivered, failed for good, or pending again after `retryInMs`. */
  async record(id: string, outcome: { state: DeliveryState; status: number | null; error: string | null; retryInMs: number | null }): Promise<void> {
    await this.db.query(this.sql.record, [id, outcome.state, outcome.status, outcome.error, outcome.retryInMs]);
  }
}

function webhookSql(s: string) {
  const hooks = `${s}."fc_webhooks"`;
  const deliveries = `${s}."fc_webhook_deliveries"`;
  return {
    create: `
      INSERT INTO ${hooks} (url, event_keys, secret)
      SELECT $1, $2::text[], $3 WHERE (SELECT count(*) FROM ${hooks}) < $4
      RETURNING id::text, url, event_keys, secret, created_at`,
    list: `SELECT id::text, url, event_keys, secret, created_at FROM ${hooks} ORDER BY id LIMIT $1`,
    get: `SELECT id::text, url, event_keys, secret, created_at FROM ${hooks} WHERE id = $1::bigint`,
    remove: `DELETE FROM ${hooks} WHERE id = $1::bigint RETURNING id`,
    count: `SELECT count(*)::int AS n FROM ${hooks}`,
    // The webhooks are matched here, in the statement, so a webhook registered by another process is
    // honoured as soon as it is committed; the in-process cache only skips the statement when none exist.
    enqueue: `
      INSERT INTO ${deliveries} (webhook_id, delivery_id, subscriber_id, event_key, payload)
      SELECT w.id, d.delivery_id, (d.payload::jsonb -> 'subscriber' ->> 'id')::bigint, d.event_key, d.payload::jsonb
      FROM unnest($1::bigint[], $2::text[], $3::text[]) AS d(delivery_id, event_key, payload)
      JOIN ${hooks} w ON w.event_keys IS NULL OR lower(d.event_key) = ANY (w.event_keys)
      ON CONFLICT (webhook_id, delivery_id) DO NOTHING`,
    deliveries: `
      SELECT id::text, delivery_id::text, event_key, state, attempts, next_attempt_at, last_status, last_error, created_at, updated_at
      FROM ${deliveries} WHERE webhook_id = $1::bigint ORDER BY id DESC LIMIT $2 OFFSET $3`,
    deliveryCount: `SELECT count(*)::int AS n FROM ${deliveries} WHERE webhook_id = $1::bigint`,
    claimDue: `
      WITH due AS (
        SELECT id FROM ${deliveries}
        WHERE state = 'pending' AND next_attempt_at <= now()
        ORDER BY next_attempt_at
        LIMIT $1
        FOR UPDATE SKIP LOCKED
      )
      UPDATE ${deliveries} d
      SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000), updated_at = now()
      FROM due, ${hooks} w
      WHERE d.id = due.id AND w.id = d.webhook_id
      RETURNING d.id::text, d.delivery_id::text, d.attempts, d.payload,
        (extract(epoch FROM now() - d.created_at) * 1000)::float8 AS age_ms, w.url, w.secret`,
    purgeFinished: `
      DELETE FROM ${deliveries}
      WHERE state <> 'pending' AND updated_at < now() - make_interval(secs => $1::double precision / 1000)
      RETURNING id`,
    record: `
      UPDATE ${deliveries}
      SET state = $2, last_status = $3, last_error = $4, updated_at = now(),
        next_attempt_at = CASE WHEN $2 = 'pending' THEN now() + make_interval(secs => $5::double precision / 1000) ELSE NULL END
      WHERE id = $1::bigint`,
  };
}
