import { FcrmError, type ErrorCode } from '../errors';
import type { ContactStore } from '../contacts/contactStore';
import { parsePageParams } from '../pagination/pageParams';
import { buildPaginator, type Paginator } from '../pagination/paginator';
import { toDatabaseId } from '../tracking/contactReference';
import {
  toEventListItem,
  toOccurrenceRecord,
  type OccurrenceRecord,
  type TrackedEventListItem,
  type TrackedEventRecord,
} from '../tracking/eventRecord';
import type { EventStore } from '../tracking/eventStore';
import type { Tracker } from '../tracking/tracker';
import type { InFlight } from '../runtime/inFlight';
import { subscriberNotFoundMessage } from './notFound';
import { propertyErrorsOf, type PropertyError } from '../definitions/invalidPropertiesError';
import { currentEntrance, outsideEntrance } from '../ops/entrance';
import type { TrackingObserver } from '../ops/runtimeMetrics';

/**
 * The data a tracking call takes (seed: "Event Data"). Typed so a misspelt key in an object literal
 * is a compile error; the runtime still validates every call (JavaScript callers, casts) and
 * ignores keys it does not know. The contact is the first non-empty of `subscriber`,
 * `subscriber_id`, `email`, `user_id` (`0`, `"0"`, `""`, `null` count as empty); none: the current contact.
 */
export interface TrackEventData {
  /** Required: a string or finite number, non-empty after sanitising; cut to 192 characters. */
  event_key: string | number;
  /** Required, like `event_key`. */
  title: string | number;
  /** Stored as text: null/missing → '', true → '1', numbers in decimal, objects and arrays as JSON. */
  value?: unknown;
  /** `custom` when missing; null keeps ''. Cut to 50 characters. */
  provider?: string | number | null;
  /** An already loaded contact (in-process callers only; REST bodies may not). */
  subscriber?: { id: number | string } | null;
  /** A positive integer or a string of digits. */
  subscriber_id?: number | string | null;
  email?: string | null;
  /** A WordPress user id (matched against the contact's user_id, or via `resolveUserEmail`). */
  user_id?: number | string | null;
  /** Applied once per contact within the retention window (default 24 h): retries are safe. 1–191 characters. */
  idempotency_key?: string | number | null;
  /** When it happened (ISO 8601 or a Date, 2000-01-01 up to five minutes ahead); default now. Recorded in the event's history. */
  occurred_at?: string | Date | null;
}

export interface GetEventsOptions {
  page?: number | string;
  per_page?: number | string;
  /** The listing URL the paginator's links are built on. */
  path?: string;
}

/** `api('event_tracker')`: FluentCRM's `FluentCrmApi('event_tracker')`. */
/** One result of `trackMany`, in input order. */
export type BatchResult =
  | { index: number; id: number; replayed?: true }
  | { index: number; error_code: ErrorCode; message: string; errors?: PropertyError[] };

export interface EventTrackerApi {
  /**
   * Resolves to the stored row or rejects with an FcrmError (`code`, `message`). `data` is checked at
   * run time too, so data of unknown shape may be passed with a cast (`data as TrackEventData`).
   */
  track(data: TrackEventData, fireDone?: boolean): Promise<TrackedEventRecord>;
  /**
   * Up to 1,000 events in one statement; valid items are stored even when others fail. Rejects
   * (FcrmError `invalid_data`) only when `events` is not an array of at most 1,000 items.
   */
  trackMany(events: unknown[], fireDone?: boolean): Promise<BatchResult[]>;
  /** An event's history (every occurrence), newest first, in the paginator shape. */
  getOccurrences(subscriberId: number | string, eventId: number | string, options?: GetEventsOptions): Promise<Paginator<OccurrenceRecord>>;
  /** A contact's events, newest first, in FluentCRM's paginator (the REST route sends this object). */
  getEvents(subscriberId: number | string, options?: GetEventsOptions): Promise<Paginator<TrackedEventListItem>>;
}

export const DEFAULT_EVENTS_PATH = '/wp-json/fluent-crm/v2/subscribers/{id}/tracking-events';

export function createEventTrackerApi(deps: {
  tracker: Tracker;
  events: EventStore;
  contacts: ContactStore;
  inFlight: InFlight;
  timeZone: string;
  /** Counts calls by entrance (`api` unless a REST route or the importer said otherwise) and result. */
  observer?: Pick<TrackingObserver, 'tracked'>;
}): EventTrackerApi {
  const observer = deps.observer;
  return {
    async track(data, fireDone = false) {
      const entrance = currentEntrance();
      // The listeners it starts are not this entrance's calls.
      const tracking = outsideEntrance(() => deps.inFlight.run(() => deps.tracker.track(data, fireDone === true)));
      let result: Awaited<typeof tracking>;
      try {
        result = await tracking;
      } catch (error) {
        observer?.tracked(entrance, 'rejected');
        throw error;
      }
      observer?.tracked(entrance, result.replayed ? 'replayed' : 'stored');
      return result.event;
    },

    async trackMany(items, fireDone = false) {
      const entrance = currentEntrance();
      let results: Awaited<ReturnType<typeof deps.tracker.trackMany>>;
      try {
        results = await outsideEntrance(() => deps.inFlight.run(() => deps.tracker.trackMany(items, fireDone === true)));
      } catch (error) {
        // The whole call failed (not an array, the database down): every item it carried was rejected.
        observer?.tracked(entrance, 'rejected', Array.isArray(items) ? items.length : 1);
        throw error;
      }
      let stored = 0;
      let replayed = 0;
      const answers = results.map((result, index): BatchResult => {
        if ('error' in result) {
          const errors = propertyErrorsOf(result.error);
          const failed = { index, error_code: result.error.code, message: result.error.message };
          return errors ? { ...failed, errors } : failed;
        }
        if (result.replayed) replayed += 1;
        else stored += 1;
        return result.replayed ? { index, id: result.event.id, replayed: true } : { index, id: result.event.id };
      });
      if (observer) {
        if (stored) observer.tracked(entrance, 'stored', stored);
        if (replayed) observer.tracked(entrance, 'replayed', replayed);
        if (results.length - stored - replayed) observer.tracked(entrance, 'rejected', results.length - stored - replayed);
      }
      return answers;
    },

    async getOccurrences(subscriberId, eventId, options = {}) {
      const { page, perPage } = parsePageParams(options);
      const id = toDatabaseId(subscriberId);
      const event = toDatabaseId(eventId);
      const found = id && event ? await deps.events.occurrencesPage(id, event, perPage, (page - 1) * perPage) : null;
      if (!found) throw new FcrmError('not_found', `No tracked event ${String(eventId)} for contact ${String(subscriberId)}`);
      return buildPaginator({
        data: found.rows.map((row) => toOccurrenceRecord(row, deps.timeZone)),
        total: found.total,
        page,
        perPage,
        path: options.path ?? `${DEFAULT_EVENTS_PATH.replace('{id}', id!)}/${event}/occurrences`,
      });
    },

    async getEvents(subscriberId, options = {}) {
      const { page, perPage } = parsePageParams(options);
      const id = toDatabaseId(subscriberId);
      const found = id ? await deps.events.page(id, perPage, (page - 1) * perPage) : null;
      if (!id || !found) throw new FcrmError('not_found', subscriberNotFoundMessage(subscriberId));
      const { rows, total } = found;
      return buildPaginator({
        data: rows.map((row) => toEventListItem(row, deps.timeZone)),
        total,
        page,
        perPage,
        path: options.path ?? DEFAULT_EVENTS_PATH.replace('{id}', id),
      });
    },
  };
}
