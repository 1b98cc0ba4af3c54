import type { ActingUserContext } from '../context/actingUser';
import { toContactRecord, type ContactRecord } from '../contacts/contactRecord';
import { FcrmError, MESSAGES } from '../errors';
import type { AfterCommitHooks } from './afterCommitHooks';
import { toEventRecord, type TrackedEventRecord } from './eventRecord';
import type { EventStore } from './eventStore';
import { normalizeTrackInput } from './normalizeInput';
import type { ContactResolver } from './resolveContact';

export interface TrackOptions {
  /** In-process callers may name the contact with an already loaded `subscriber`; REST may not. */
  allowSubscriberObject?: boolean;
}

export interface TrackResult {
  event: TrackedEventRecord;
  subscriber: ContactRecord;
}

/**
 * The one path every event takes, whatever the entrance: sanitise and validate, resolve the contact,
 * one atomic upsert, then (after commit) the hooks. Ordering only; each rule lives in its own module.
 */
export class Tracker {
  constructor(
    private readonly events: EventStore,
    private readonly contacts: ContactResolver,
    private readonly actingUser: ActingUserContext,
    private readonly afterCommit: AfterCommitHooks,
    private readonly timeZone: string,
  ) {}

  async track(data: unknown, fireDone = false, options: TrackOptions = {}): Promise<TrackResult> {
    const input = normalizeTrackInput(data, { allowSubscriberObject: options.allowSubscriberObject ?? true });
    const actingUser = this.actingUser.current();
    const contactRow = await this.contacts.resolve(input.contact, actingUser);
    const row = await this.events
      .upsert({
        subscriberId: String(contactRow.id),
        createdBy: actingUser?.userId ?? 0,
        provider: input.provider,
        eventKey: input.event_key,
        title: input.title,
        value: input.value,
      })
      .catch(contactDeletedMeanwhile);
    // The statement ran in its own implicit transaction: from here on the row is committed.
    const result = { event: toEventRecord(row, this.timeZone), subscriber: toContactRecord(contactRow, this.timeZone) };
    await this.afterCommit.fire(result.event, result.subscriber, fireDone);
    return result;
  }
}

/** The contact was deleted between lookup and insert: the foreign key says so. */
function contactDeletedMeanwhile(error: unknown): never {
  if ((error as { code?: unknown }).code === '23503') {
    throw new FcrmError('subscriber_not_found', MESSAGES.subscriberNotFound);
  }
  throw error;
}
