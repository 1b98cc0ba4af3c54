import { epochMsSql } from '../db/jsonTime';
import type { SqlRunner } from '../db/preparedStatements';
import type { TableNames } from '../db/tableNames';
import type { EventRow } from './eventRecord';
import { structuredJson } from '../properties/structuredValue';
import { eventFingerprint } from './eventFingerprint';

/** One event to store, its contact already resolved. */
export interface EventWrite {
  subscriberId: string;
  createdBy: number;
  provider: string;
  eventKey: string;
  title: string;
  value: string;
  /** Whether `value` is also stored as jsonb (value_json); left out, it is decided from the text (structuredValue.ts). */
  structured?: boolean;
  /** When it happened; null means now. */
  occurredAt: Date | null;
  idempotencyKey: string | null;
  /** Record a done action for it in the outbox. */
  fireDone: boolean;
  /** The caller's W3C traceparent, kept with the done action for a later delivery (null: tracing off). */
  traceContext?: string | null;
}

/** One written item as the statement reports it (JSON: numbers, timestamps in epoch milliseconds, see jsonTime.ts). */
interface WrittenJson {
  idx: number;
  id: number;
  subscriber_id: number;
  counter: number;
  created_by: number | null;
  provider: string;
  event_key: string;
  title: string;
  created_at: number;
  updated_at: number;
  occurrence_id: string;
  outbox_id: string | null;
}

/** What one write produced: the event row as this write left it for this item. */
export interface WrittenEvent {
  /** The event row, with `counter` and `value` as this item's increment produced them. */
  row: EventRow;
  occurrenceId: string;
  /** The outbox row of its done action (already claimed by this process), when asked for. */
  outboxId: string | null;
}

/** An item whose idempotency key was already applied: the result of the first application. */
export interface ReplayedEvent {
  row: EventRow;
  occurrenceId: string;
  replayed: true;
}

/** An item whose idempotency key this contact had already used for a different event: nothing written. */
export interface MismatchedKey {
  mismatch: true;
}

export type WriteOutcome = (WrittenEvent & { replayed?: false; mismatch?: false }) | (ReplayedEvent & { mismatch?: false }) | MismatchedKey;

/**
 * The one statement every tracked event goes through, for one item or a thousand:
 *  1. claim the idempotency keys with the event's fingerprint (a key already claimed by this contact
 *     is skipped, atomically: a replay when the fingerprints match, a mismatch when they differ);
 *  2. pre-aggregate repeats of one (contact, key, title) so the upsert touches each row once;
 *  3. insert the events, or count them: counter = counter + n, value = the last item's value;
 *  4. append one occurrence per item, numbered with the counter that item produced;
 *  5. record done actions in the outbox, claimed by the writer for immediate dispatch.
 * One statement is one transaction: either all of it is stored, or nothing. Rows are locked in a
 * fixed order (contact, key, title) so concurrent batches cannot deadlock each other.
 */
export class EventWriter {
  private readonly sql: { write: string; replay: string; forgetClaims: string };

  constructor(
    private readonly db: SqlRunner,
    tables: TableNames,
    /**
     * How long the writer owns a done action it will dispatch itself before the recovery poller may
     * take it; null when this process does not dispatch (the rows wait, unclaimed, for a process that does).
     */
    private readonly outboxLeaseMs: number | null,
  ) {
    this.sql = {
      write: writeSql(tables),
      replay: replaySql(tables),
      forgetClaims: `DELETE FROM ${tables.idempotencyKeys} k USING unnest($1::bigint[], $2::text[]) AS s(subscriber_id, idempotency_key)
                     WHERE k.subscriber_id = s.subscriber_id AND k.idempotency_key = s.idempotency_key`,
    };
  }

  /**
   * Outcomes in input order. An item repeating an earlier item's idempotency key with the same event
   * replays that item's result. One repeating it with another event goes round again, against the
   * claim the first item left (a mismatch, or a replay of an older claim it matches): the common case,
   * no repeats or plain retries, is one round.
   */
  async write(items: EventWrite[]): Promise<WriteOutcome[]> {
    const fingerprints = items.map((item) => (item.idempotencyKey ? eventFingerprint(item) : null));
    const outcomes: Array<WriteOutcome | undefined> = new Array(items.length);
    let pending = items.map((_, index) => index);
    while (pending.length > 0) {
      const firstOfKey = new Map<string, number>();
      const round: Pending[] = [];
      const repeats: number[] = [];
      for (const index of pending) {
        const item = items[index];
        const id = item.idempotencyKey ? claimKey(item.subscriberId, item.idempotencyKey) : null;
        if (id !== null && firstOfKey.has(id)) {
          repeats.push(index);
          continue;
        }
        if (id !== null) firstOfKey.set(id, index);
        round.push({ item, index, fingerprint: fingerprints[index] });
      }
      await this.apply(round, outcomes);
      pending = [];
      for (const index of repeats) {
        const firstIndex = firstOfKey.get(claimKey(items[index].subscriberId, items[index].idempotencyKey!))!;
        if (fingerprints[index] !== fingerprints[firstIndex]) {
          pending.push(index);
          continue;
        }
        const first = outcomes[firstIndex]!;
        outcomes[index] = first.mismatch ? first : { row: first.row, occurrenceId: first.occurrenceId, replayed: true };
      }
    }
    return Array.from(items, (_, index): WriteOutcome => {
      const own = outcomes[index];
      if (!own) throw new Error(`idempotency key ${items[index].idempotencyKey} could be neither applied nor replayed`);
      return own;
    });
  }

  /** Items with distinct (contact, key): one write statement, then the replays of keys already claimed for the same event. */
  private async apply(unique: Pending[], outcomes: Array<WriteOutcome | undefined>): Promise<void> {
    await this.writeUnique(unique, outcomes);
    const replays = unique.filter(({ index }) => outcomes[index] === undefined);
    const stale = replays.length > 0 ? await this.replay(replays, outcomes) : [];
    if (stale.length > 0) {
      // Claims whose history is gone (rows deleted outside the API): forget them and apply once more.
      await this.db.query(this.sql.forgetClaims, [stale.map(({ item }) => item.subscriberId), stale.map(({ item }) => item.idempotencyKey)]);
      await this.writeUnique(stale, outcomes);
    }
  }

  /**
   * Items go in as one JSON array and the results come back as one JSON value: PostgreSQL reads and
   * writes JSON in C, and JSON.parse is native, where pg's array literals and row-by-row column parsing
   * (a timestamp regex per cell) measured ~15 µs of Node CPU per event on the hook path (BENCHMARKS.md).
   */
  private async writeUnique(unique: Array<Pending>, outcomes: Array<WriteOutcome | undefined>): Promise<void> {
    // idx is the item's place in `unique`: occurrences are numbered and ids drawn in this order.
    const input = unique.map(({ item, fingerprint }, idx) => ({
      idx,
      subscriber_id: item.subscriberId,
      created_by: item.createdBy,
      provider: item.provider,
      event_key: item.eventKey,
      title: item.title,
      value: item.value,
      // Whether value is also stored as jsonb (value_json): only checked text, so the cast cannot fail.
      structured: item.structured ?? structuredJson(item.value) !== undefined,
      occurred_at: item.occurredAt,
      idempotency_key: item.idempotencyKey,
      fingerprint,
      fire_done: item.fireDone,
      trace_context: item.fireDone ? (item.traceContext ?? null) : null,
    }));
    const [{ written, mismatched }]: Array<{ written: WrittenJson[]; mismatched: number[] }> = await this.db.query(this.sql.write, [
      JSON.stringify(input),
      this.outboxLeaseMs,
    ]);
    for (const idx of mismatched) outcomes[unique[idx].index] = { mismatch: true };
    for (const w of written) {
      const { item, index } = unique[w.idx];
      outcomes[index] = {
        row: {
          id: w.id,
          subscriber_id: w.subscriber_id,
          counter: w.counter,
          created_by: w.created_by,
          provider: w.provider,
          event_key: w.event_key,
          title: w.title,
          value: item.value, // the value this item carried, whichever item of the batch came last
          created_at: new Date(w.created_at),
          updated_at: new Date(w.updated_at),
        },
        occurrenceId: w.occurrence_id,
        outboxId: w.outbox_id,
      };
    }
  }

  /**
   * The first application's results, for keys another call had already claimed. Returns the items
   * whose claim has no occurrence left: a claim and its occurrence are written by one statement, so
   * that only happens when events were deleted outside the API.
   */
  private async replay(pending: Array<Pending>, outcomes: Array<WriteOutcome | undefined>): Promise<Array<Pending>> {
    const rows: Array<EventRow & { occurrence_id: string; item_counter: number; item_value: string; replayed_key: string }> =
      await this.db.query(this.sql.replay, [
        pending.map(({ item }) => item.subscriberId),
        pending.map(({ item }) => item.idempotencyKey),
      ]);
    const byKey = new Map(rows.map(({ replayed_key, occurrence_id, item_counter, item_value, ...row }) => [
      claimKey(String(row.subscriber_id), replayed_key),
      { row: { ...row, counter: item_counter, value: item_value }, occurrenceId: String(occurrence_id), replayed: true as const },
    ]));
    const stale: Array<Pending> = [];
    for (const pendingItem of pending) {
      const replayed = byKey.get(claimKey(pendingItem.item.subscriberId, pendingItem.item.idempotencyKey!));
      if (replayed) outcomes[pendingItem.index] = replayed;
      else stale.push(pendingItem);
    }
    return stale;
  }
}

/** An item to write, its place in the caller's list, and the fingerprint its key is claimed with. */
interface Pending {
  item: EventWrite;
  index: number;
  fingerprint: string | null;
}

function claimKey(subscriberId: string, idempotencyKey: string): string {
  return `${subscriberId}\u0000${idempotencyKey}`;
}

function writeSql(t: TableNames): string {
  return `
WITH input AS (
  -- value_json is parsed here, once per item (this CTE is materialised: it is read three times).
  SELECT i.*, CASE WHEN i.structured THEN i.value::jsonb END AS value_json FROM json_to_recordset($1::json)
    AS i(idx int, subscriber_id bigint, created_by bigint, provider text, event_key text, title text, value text,
         structured boolean, occurred_at timestamptz, idempotency_key text, fingerprint text, fire_done boolean, trace_context text)
),
claimed AS (
  -- A key this contact claimed already comes back only when it was claimed for another event: the
  -- no-op update locks the claim and compares with its latest committed version (a concurrent claim
  -- included, which the statement's snapshot would not show), so it returns as fresh = false. A key
  -- claimed for the same event (or before fingerprints, NULL) is not returned: a replay.
  INSERT INTO ${t.idempotencyKeys} AS k (subscriber_id, idempotency_key, fingerprint)
  SELECT subscriber_id, idempotency_key, decode(fingerprint, 'hex') FROM input WHERE idempotency_key IS NOT NULL
  ORDER BY subscriber_id, idempotency_key
  ON CONFLICT (subscriber_id, idempotency_key) DO UPDATE SET fingerprint = k.fingerprint
    WHERE k.fingerprint IS NOT NULL AND k.fingerprint <> EXCLUDED.fingerprint
  RETURNING k.subscriber_id, k.idempotency_key, (k.xmax = 0) AS fresh
),
accepted AS (
  SELECT i.* FROM input i
  WHERE i.idempotency_key IS NULL
     OR EXISTS (SELECT 1 FROM claimed c WHERE c.subscriber_id = i.subscriber_id AND c.idempotency_key = i.idempotency_key AND c.fresh)
),
grouped AS (
  -- One sort for all of it: the first item of each (contact, key, title) names the row, the last
  -- gives its value. Five array_agg(… ORDER BY idx) sorted each group five times (PostgreSQL 15).
  SELECT DISTINCT ON (subscriber_id, lower(event_key), lower(title))
         subscriber_id, lower(event_key) AS lk, lower(title) AS lt, event_key, title, provider, created_by,
         last_value(value) OVER same AS value,
         last_value(value_json) OVER same AS value_json,
         (count(*) OVER same)::int AS n
  FROM accepted
  WINDOW same AS (PARTITION BY subscriber_id, lower(event_key), lower(title) ORDER BY idx
                  ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
  ORDER BY subscriber_id, lower(event_key), lower(title), idx
),
up AS (
  INSERT INTO ${t.events} AS e (subscriber_id, counter, created_by, provider, event_key, title, value, value_json)
  SELECT subscriber_id, n, created_by, provider, event_key, title, value, value_json FROM grouped
  ORDER BY subscriber_id, lk, lt
  ON CONFLICT (subscriber_id, lower(event_key), lower(title)) DO UPDATE SET
    counter    = e.counter + EXCLUDED.counter,
    value      = EXCLUDED.value,
    value_json = EXCLUDED.value_json,
    updated_at = now()
  RETURNING e.*
),
numbered AS (
  -- The event row's columns ride along, so nothing below joins back to a CTE: PostgreSQL estimates
  -- a CTE at one row and would join the 1,000 items of a batch by nested loop (10^6 comparisons).
  SELECT a.idx, a.created_by AS item_created_by, a.provider AS item_provider, a.value AS item_value, a.value_json AS item_value_json,
         a.occurred_at, a.idempotency_key, a.fire_done, a.trace_context,
         up.id, up.subscriber_id, up.counter, up.created_by, up.provider, up.event_key, up.title, up.value,
         up.created_at, up.updated_at,
         up.counter - (row_number() OVER (PARTITION BY up.id ORDER BY a.idx DESC) - 1)::int AS item_counter
  FROM accepted a
  JOIN up ON up.subscriber_id = a.subscriber_id
         AND lower(up.event_key) = lower(a.event_key)
         AND lower(up.title) = lower(a.title)
),
ided AS MATERIALIZED (
  -- Ids drawn in input order, so an event's occurrences are numbered in the order they were tracked.
  SELECT n.*, nextval(${sqlLiteral(sequenceOf(t.occurrences))}::regclass) AS occurrence_id,
         CASE WHEN n.fire_done THEN nextval(${sqlLiteral(sequenceOf(t.outbox))}::regclass) END AS outbox_id
  FROM (SELECT * FROM numbered ORDER BY idx) n
),
occ AS (
  INSERT INTO ${t.occurrences} (id, event_id, subscriber_id, event_key, counter, value, value_json, provider, created_by, idempotency_key, occurred_at)
  SELECT occurrence_id, id, subscriber_id, event_key, item_counter, item_value, item_value_json, item_provider, item_created_by, idempotency_key,
         COALESCE(occurred_at, now())
  FROM ided
  ORDER BY idx
),
ob AS (
  INSERT INTO ${t.outbox} (id, event_id, occurrence_id, subscriber_id, attempts, claimed_until, trace_context)
  SELECT outbox_id, id, occurrence_id, subscriber_id,
         CASE WHEN $2::double precision IS NULL THEN 0 ELSE 1 END,
         now() + make_interval(secs => $2::double precision / 1000),
         trace_context
  FROM ided
  WHERE fire_done
  ORDER BY idx
)
SELECT coalesce(json_agg(json_build_object(
         'idx', idx, 'id', id, 'subscriber_id', subscriber_id, 'counter', item_counter, 'created_by', created_by,
         'provider', provider, 'event_key', event_key, 'title', title, 'created_at', ${epochMsSql('created_at')}, 'updated_at', ${epochMsSql('updated_at')},
         'occurrence_id', occurrence_id::text, 'outbox_id', outbox_id::text)), '[]') AS written,
       (SELECT coalesce(json_agg(i.idx), '[]') FROM input i JOIN claimed c
          ON c.subscriber_id = i.subscriber_id AND c.idempotency_key = i.idempotency_key AND NOT c.fresh) AS mismatched
FROM ided`;
}

/** The sequence behind a bigserial `id` of a quoted, schema-qualified table. */
function sequenceOf(table: string): string {
  return table.replace(/"$/, '_id_seq"');
}

function sqlLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The latest occurrence written under each (contact, idempotency key), with its event row. */
function replaySql(t: TableNames): string {
  return `
SELECT DISTINCT ON (o.subscriber_id, o.idempotency_key)
       e.*, o.id AS occurrence_id, o.counter AS item_counter, o.value AS item_value,
       o.idempotency_key AS replayed_key
FROM unnest($1::bigint[], $2::text[]) AS k(subscriber_id, idempotency_key)
JOIN ${t.occurrences} o ON o.subscriber_id = k.subscriber_id AND o.idempotency_key = k.idempotency_key
JOIN ${t.events} e ON e.id = o.event_id
ORDER BY o.subscriber_id, o.idempotency_key, o.id DESC`;
}
