import type { ActingUserContext } from '../context/actingUser';
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

/** The most events one call may carry. */
export const MAX_BATCH = 1000;

/** Statement failures worth one more try: the database undid the whole statement. */
const RETRYABLE = new Set(['40P01', '40001']); // deadlock, serialization failure
const MAX_ATTEMPTS = 3;

/**
 * The one path every event takes, whatever the entrance: sanitise and validate, resolve the
 * contacts, one atomic statement (see EventWriter), then, after commit, the hooks. A single
 * `track()` is a batch of one. Ordering only; each rule lives in its own module.
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
    } = deps);
  }

  async track(data: unknown, fireDone = false, options: TrackOptions = {}): Promise<TrackResult> {
    const [result] = await this.trackMany([data], fireDone, options);
    if ('error' in result) throw result.error;
    return result;
  }

  /**
   * Valid items are stored even when others fail; results come back in input order. A database
   * that cannot be reached rejects the call with a DatabaseUnavailableError.
   */
  async trackMany(items: unknown[], fireDone = false, options: TrackOptions = {}): Promise<BatchItemResult[]> {
    try {
      return await this.trackManyOnce(items, fireDone, options);
    } catch (error) {
      if (isConnectionFailure(error)) throw new DatabaseUnavailableError(error);
      throw error;
    }
  }

  private async trackManyOnce(items: unknown[], fireDone: boolean, options: TrackOptions): Promise<BatchItemResult[]> {
    if (!Array.isArray(items) || items.length > MAX_BATCH) {
      throw new FcrmError('invalid_data', `Invalid data provided. Send an array of at most ${MAX_BATCH} events`);
    }
    const allowSubscriberObject = options.allowSubscriberObject ?? true;
    const results: Array<BatchItemResult | undefined> = new Array(items.length);
    const valid: Array<{ index: number; input: NormalizedEvent }> = [];
    items.forEach((data, index) => {
      try {
        valid.push({ index, input: normalizeTrackInput(data, { allowSubscriberObject }) });
      } catch (error) {
        if (!isFcrmError(error)) throw error;
        results[index] = { error };
      }
    });

    const actingUser = this.actingUser.current();
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
          occurredAt: input.occurredAt,
          idempotencyKey: input.idempotencyKey,
          fireDone,
        },
      });
    });

    const outcomes = await this.write(writes, results);
    // The statement ran in its own implicit transaction: from here on the rows are committed.
    this.afterCommitFault?.();
    const delivered: string[] = [];
    for (const { index, contact, outcome } of outcomes) {
      const result: TrackResult = {
        event: toEventRecord(outcome.row, this.timeZone),
        subscriber: toContactRecord(contact, this.timeZone),
        replayed: outcome.replayed === true,
      };
      results[index] = result;
      if (outcome.replayed) continue; // applied once already, hooks included
      await this.afterCommit.tracked(result.event, result.subscriber);
      if (outcome.outboxId && this.dispatchDone) {
        await this.afterCommit.done(result.event, result.subscriber, { id: outcome.outboxId, attempt: 1 });
        delivered.push(outcome.outboxId);
      }
    }
    this.deliveredMarks.add(delivered);
    return results as BatchItemResult[];
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
