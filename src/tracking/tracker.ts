import { AsyncResource } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ActingUser, ActingUserContext } from '../context/actingUser';
import { toContactRecord, type ContactRecord, type ContactRow } from '../contacts/contactRecord';
import { DatabaseUnavailableError, FcrmError, isFcrmError, MESSAGES } from '../errors';
import { isConnectionFailure } from '../db/connectionFailure';
import type { DeliveredMarks } from '../outbox/deliveredMarks';
import type { AfterCommitHooks } from './afterCommitHooks';
import { toEventRecord, type TrackedEventRecord } from './eventRecord';
import type { EventWriting } from './coalescingWriter';
import type { EventWrite, WriteOutcome } from './eventWriter';
import { normalizeTrackInput, type NormalizedEvent } from './normalizeInput';
import type { ContactResolver } from './resolveContact';
import type { RecordedViolation } from '../definitions/definitionStore';
import type { DefinitionsSnapshot, Violation } from '../definitions/definitionsSnapshot';
import { InvalidPropertiesError } from '../definitions/invalidPropertiesError';
import { valueKindOf, type ValueKind } from '../definitions/valueForSchema';
import { NO_TRACING, type Tracing } from '../ops/tracing';

export interface TrackOptions {
  /** In-process callers may name the contact with an already loaded `subscriber`; REST may not. */
  allowSubscriberObject?: boolean;
}

export interface TrackResult {
  event: TrackedEventRecord;
  subscriber: ContactRecord;
  /** True when the idempotency key had been applied already: this is the first call's result. */
  replayed: boolean;
}

/** One item of a batch: its result, or why it was not stored. */
export type BatchItemResult = TrackResult | { error: FcrmError };

/** The event checked and sanitised, or its FcrmError; anything else thrown is a bug and propagates. */
function normalized(data: unknown, allowSubscriberObject: boolean): NormalizedEvent | FcrmError {
  try {
    return normalizeTrackInput(data, { allowSubscriberObject });
  } catch (error) {
    if (isFcrmError(error)) return error;
    throw error;
  }
}

/** One event of a batch, with what its caller asked for. */
interface TrackItem {
  /** The checked event, or why it cannot be stored. */
  input: NormalizedEvent | FcrmError;
  fireDone: boolean;
  /** The JSON type of the `value` sent, which the stored text loses (for event definitions). */
  valueKind: ValueKind;
  /**
   * The async context of the call that brought this event (its AsyncLocalStorage stores), for the
   * hooks that follow it; none when the caller itself awaits the hooks (trackMany). An AsyncResource
   * rather than AsyncLocalStorage.snapshot(): on Node 20 snapshot() binds a function and builds a
   * deprecation wrapper per call, 9 % of the CPU profile of a doAction loop.
   */
  context?: AsyncResource;
}

/** Runs `fn` in the async context of the call that brought `item`. */
function inContextOf<R>(item: TrackItem, fn: () => R): R {
  return item.context ? item.context.runInAsyncScope(fn) : fn();
}

/** A track() call waiting for the batch of its tick: its event, and how to answer it. */
interface WaitingCall extends TrackItem {
  actingUser: ActingUser | undefined;
  resolve: (result: TrackResult) => void;
  reject: (error: unknown) => void;
}

/** How many written events' hooks run between two turns of the event loop. */
const HOOKS_PER_TURN = 100;

/** The most events one call may carry. */
export const MAX_BATCH = 1000;

/** Statement failures worth one more try: the database undid the whole statement. */
const RETRYABLE = new Set(['40P01', '40001']); // deadlock, serialization failure
const MAX_ATTEMPTS = 3;

/**
 * The one path every event takes, whatever the entrance: sanitise and validate, resolve the
 * contacts, one atomic statement (see EventWriter), then, after commit, the hooks. The `track()`
 * calls of one tick are one batch. Ordering only; each rule lives in its own module.
 */
export interface TrackerDeps {
  writer: EventWriting;
  contacts: ContactResolver;
  actingUser: ActingUserContext;
  afterCommit: AfterCommitHooks;
  /** Records delivered done actions (buffered; a lost mark means one more delivery). */
  deliveredMarks: DeliveredMarks;
  timeZone: string;
  /** False in tool processes: done actions are recorded for another process to deliver. */
  dispatchDone: boolean;
  /** Test-only fault switch: runs between commit and dispatch. */
  afterCommitFault?: () => void;
  /** Event definitions: every batch is checked against their current snapshot (none: no checks). */
  definitions?: ValueDefinitions;
  /** Where a done action's trace context comes from (kept in its outbox row); off by default. */
  tracing?: Tracing;
}

/** What the tracker needs of the event definitions (src/definitions/eventDefinitions.ts). */
export interface ValueDefinitions {
  /** The snapshot to check against: at once when fresh, else a promise (one read per refresh interval, not per event). */
  current(): DefinitionsSnapshot | Promise<DefinitionsSnapshot>;
  /** Records report-mode violations of stored events; never rejects. */
  record(violations: readonly RecordedViolation[]): Promise<void>;
}

export class Tracker {
  private readonly writer: EventWriting;
  private readonly contacts: ContactResolver;
  private readonly actingUser: ActingUserContext;
  private readonly afterCommit: AfterCommitHooks;
  private readonly deliveredMarks: DeliveredMarks;
  private readonly timeZone: string;
  private readonly dispatchDone: boolean;
  private readonly afterCommitFault?: () => void;
  private readonly definitions?: ValueDefinitions;
  private readonly tracing: Tracing;
  /** track() calls of the current tick, started together on the next microtask. */
  private readonly waiting: WaitingCall[] = [];

  constructor(deps: TrackerDeps) {
    ({
      writer: this.writer,
      contacts: this.contacts,
      actingUser: this.actingUser,
      afterCommit: this.afterCommit,
      deliveredMarks: this.deliveredMarks,
      timeZone: this.timeZone,
      dispatchDone: this.dispatchDone,
      afterCommitFault: this.afterCommitFault,
      definitions: this.definitions,
    } = deps);
    this.tracing = deps.tracing ?? NO_TRACING;
  }

  /**
   * One event. Calls made in the same tick (a loop of doAction, many requests at once) are taken
   * together: checked, resolved and written as one batch, so each pays a share of the per-batch work
   * instead of all of it. A call alone on an idle runtime still starts at once (on the next microtask).
   * Each call keeps its own result, its own error, and its own async context for the hooks that follow
   * it (acting user, automation chain depth).
   */
  track(data: unknown, fireDone = false, options?: TrackOptions): Promise<TrackResult> {
    return new Promise<TrackResult>((resolve, reject) => {
      // Checked now, so input that throws fails its own call only, never the batch it would join.
      const input = normalized(data, options?.allowSubscriberObject ?? true);
      if (input instanceof FcrmError) throw input;
      this.waiting.push({
        input,
        fireDone,
        valueKind: valueKindOf(data),
        context: new AsyncResource('fcrm-event-tracking.track'),
        actingUser: this.actingUser.current(),
        resolve,
        reject,
      });
      if (this.waiting.length === 1) queueMicrotask(() => this.startWaiting());
    });
  }

  /** Starts everything waiting, as batches of calls made on behalf of the same acting user. */
  private startWaiting(): void {
    const byUser = new Map<ActingUser | undefined, WaitingCall[]>();
    for (const call of this.waiting.splice(0)) {
      const group = byUser.get(call.actingUser);
      if (group) group.push(call);
      else byUser.set(call.actingUser, [call]);
    }
    for (const [actingUser, group] of byUser) {
      for (let from = 0; from < group.length; from += MAX_BATCH) {
        void this.runCalls(group.slice(from, from + MAX_BATCH), actingUser);
      }
    }
  }

  private async runCalls(calls: WaitingCall[], actingUser: ActingUser | undefined): Promise<void> {
    let results: BatchItemResult[];
    try {
      results = await this.guarded(() => this.trackItems(calls, actingUser));
    } catch (error) {
      for (const call of calls) call.reject(error);
      return;
    }
    calls.forEach((call, i) => {
      const result = results[i];
      if ('error' in result) call.reject(result.error);
      else call.resolve(result);
    });
  }

  /**
   * Valid items are stored even when others fail; results come back in input order. A database
   * that cannot be reached rejects the call with a DatabaseUnavailableError.
   */
  async trackMany(items: unknown[], fireDone = false, options: TrackOptions = {}): Promise<BatchItemResult[]> {
    if (!Array.isArray(items) || items.length > MAX_BATCH) {
      throw new FcrmError('invalid_data', `Invalid data provided. Send an array of at most ${MAX_BATCH} events`);
    }
    // One caller, who awaits the call: its hooks already run in its context.
    const allowSubscriberObject = options.allowSubscriberObject ?? true;
    const batch = items.map((data): TrackItem => ({ input: normalized(data, allowSubscriberObject), fireDone, valueKind: valueKindOf(data) }));
    return this.guarded(() => this.trackItems(batch, this.actingUser.current()));
  }

  /** A database that cannot be reached is a DatabaseUnavailableError for every caller. */
  private async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isConnectionFailure(error)) throw new DatabaseUnavailableError(error);
      throw error;
    }
  }

  private async trackItems(items: TrackItem[], actingUser: ActingUser | undefined): Promise<BatchItemResult[]> {
    const results: Array<BatchItemResult | undefined> = new Array(items.length);
    let valid: Array<{ index: number; input: NormalizedEvent }> = [];
    items.forEach(({ input }, index) => {
      if (input instanceof FcrmError) results[index] = { error: input };
      else valid.push({ index, input });
    });
    const reported = new Map<number, Violation>();
    if (this.definitions && valid.length > 0) valid = await this.checkDefinitions(items, valid, results, reported);

    const contactRows = await this.contacts.resolveMany(valid.map(({ input }) => input.contact), actingUser);
    const writes: Array<{ index: number; contact: ContactRow; write: EventWrite }> = [];
    valid.forEach(({ index, input }, i) => {
      const contact = contactRows[i];
      if (contact instanceof FcrmError) {
        results[index] = { error: contact };
        return;
      }
      writes.push({
        index,
        contact,
        write: {
          subscriberId: String(contact.id),
          createdBy: actingUser?.userId ?? 0,
          provider: input.provider,
          eventKey: input.event_key,
          title: input.title,
          value: input.value,
          structured: input.valueStructured,
          occurredAt: input.occurredAt,
          idempotencyKey: input.idempotencyKey,
          fireDone: items[index].fireDone,
          traceContext: this.tracing.enabled && items[index].fireDone ? inContextOf(items[index], () => this.tracing.traceparent()) : null,
        },
      });
    });

    const outcomes = await this.write(writes, results);
    // The statement ran in its own implicit transaction: from here on the rows are committed.
    this.afterCommitFault?.();
    const delivered: string[] = [];
    const violations: RecordedViolation[] = [];
    for (let n = 0; n < outcomes.length; n += 1) {
      // Every HOOKS_PER_TURN events, let the event loop run: the hooks of a batch are one long chain
      // of microtasks, and until it ends no pooled connection is handed out (pg-pool uses nextTick),
      // no query result is read and no request is served — the next batch's statement waited for it.
      if (n % HOOKS_PER_TURN === 0 && outcomes.length > HOOKS_PER_TURN) await nextTurn();
      const { index, contact, outcome } = outcomes[n];
      if (outcome.mismatch) {
        results[index] = { error: idempotencyKeyMismatch(items[index].input) };
        continue;
      }
      const result: TrackResult = {
        event: toEventRecord(outcome.row, this.timeZone),
        subscriber: toContactRecord(contact, this.timeZone),
        replayed: outcome.replayed === true,
      };
      results[index] = result;
      if (outcome.replayed) continue; // applied once already, hooks included
      const violation = reported.get(index);
      if (violation) violations.push({ ...violation, eventId: result.event.id, subscriberId: result.subscriber.id });
      const outboxId = this.dispatchDone ? outcome.outboxId : null;
      // In the caller's async context, as if its call had been written alone; the next event's hooks
      // start when this one's listeners have finished.
      const delivery = outboxId ? { id: outboxId, attempt: 1 } : null;
      const listening = inContextOf(items[index], () => this.afterCommit.written(result.event, result.subscriber, delivery));
      if (listening) await listening;
      if (outboxId) delivered.push(outboxId);
    }
    this.deliveredMarks.add(delivered);
    if (violations.length > 0) await this.definitions?.record(violations);
    return results as BatchItemResult[];
  }

  /**
   * Checks each value against its key's definition, if it has one: an `enforce` failure becomes that
   * item's InvalidPropertiesError (nothing stored), a `report` failure is noted for the record.
   * Returns the items that go on to be written.
   */
  private async checkDefinitions(
    items: TrackItem[],
    valid: Array<{ index: number; input: NormalizedEvent }>,
    results: Array<BatchItemResult | undefined>,
    reported: Map<number, Violation>,
  ): Promise<Array<{ index: number; input: NormalizedEvent }>> {
    const current = this.definitions!.current();
    const snapshot = current instanceof Promise ? await current : current;
    if (snapshot.size === 0) return valid;
    return valid.filter(({ index, input }) => {
      const violation = snapshot.check(input.event_key, items[index].valueKind, input.value);
      if (!violation) return true;
      if (violation.mode === 'enforce') {
        results[index] = { error: new InvalidPropertiesError(input.event_key, violation.errors) };
        return false;
      }
      reported.set(index, violation);
      return true;
    });
  }

  /**
   * Writes, retrying what the database undid as a whole: a deadlock, or a contact deleted
   * between lookup and write (its items become subscriber_not_found, the others are written).
   */
  private async write(
    writes: Array<{ index: number; contact: ContactRow; write: EventWrite }>,
    results: Array<BatchItemResult | undefined>,
  ): Promise<Array<{ index: number; contact: ContactRow; outcome: WriteOutcome }>> {
    let pending = writes;
    for (let attempt = 1; ; attempt += 1) {
      if (pending.length === 0) return [];
      try {
        const outcomes = await this.writer.write(pending.map(({ write }) => write));
        return pending.map((item, i) => ({ ...item, outcome: outcomes[i] }));
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (attempt >= MAX_ATTEMPTS) throw error;
        if (code === '23503') {
          pending = await this.withoutDeletedContacts(pending, results);
        } else if (typeof code !== 'string' || !RETRYABLE.has(code)) {
          throw error;
        }
      }
    }
  }

  private async withoutDeletedContacts(
    pending: Array<{ index: number; contact: ContactRow; write: EventWrite }>,
    results: Array<BatchItemResult | undefined>,
  ): Promise<Array<{ index: number; contact: ContactRow; write: EventWrite }>> {
    const present = await this.contacts.existingIds(pending.map(({ write }) => write.subscriberId));
    return pending.filter(({ index, write }) => {
      if (present.has(write.subscriberId)) return true;
      results[index] = { error: new FcrmError('subscriber_not_found', MESSAGES.subscriberNotFound) };
      return false;
    });
  }
}

/** The IETF Idempotency-Key draft's answer to a key reused with another request: a 422, nothing stored. */
function idempotencyKeyMismatch(input: NormalizedEvent | FcrmError): FcrmError {
  const key = input instanceof FcrmError ? '' : ` ${JSON.stringify(input.idempotencyKey)}`;
  return new FcrmError(
    'idempotency_key_mismatch',
    `The idempotency_key${key} was already used for a different event of this contact (event_key, title, value, provider or occurred_at differ); nothing was stored. Use a new key for a new event.`,
  );
}
