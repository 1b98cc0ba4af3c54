import { FcrmError } from '../errors';
import type { ContactStore } from '../contacts/contactStore';
import { parsePageParams } from '../pagination/pageParams';
import { buildPaginator, type Paginator } from '../pagination/paginator';
import { toDatabaseId } from '../tracking/contactReference';
import { toEventListItem, type TrackedEventListItem, type TrackedEventRecord } from '../tracking/eventRecord';
import type { EventStore } from '../tracking/eventStore';
import type { Tracker } from '../tracking/tracker';
import type { InFlight } from '../runtime/inFlight';
import { subscriberNotFoundMessage } from './notFound';

/** The data a tracking call takes (seed: "Event Data"). Other keys are ignored. */
export interface TrackEventData {
  event_key: string | number;
  title: string | number;
  value?: unknown;
  provider?: string | null;
  email?: string;
  user_id?: string | number;
  subscriber_id?: string | number;
  /** An already loaded contact (in-process callers only). */
  subscriber?: { id: number | string };
  [key: string]: unknown;
}

export interface GetEventsOptions {
  page?: number | string;
  per_page?: number | string;
  /** The listing URL the paginator's links are built on. */
  path?: string;
}

/** `api('event_tracker')`: FluentCRM's `FluentCrmApi('event_tracker')`. */
export interface EventTrackerApi {
  /** Resolves to the stored row or rejects with an FcrmError (`code`, `message`). */
  track(data: TrackEventData | Record<string, unknown>, fireDone?: boolean): Promise<TrackedEventRecord>;
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
}): EventTrackerApi {
  return {
    async track(data, fireDone = false) {
      const { event } = await deps.inFlight.run(() => deps.tracker.track(data, fireDone === true));
      return event;
    },

    async getEvents(subscriberId, options = {}) {
      const { page, perPage } = parsePageParams(options);
      const id = toDatabaseId(subscriberId);
      if (!id || !(await deps.contacts.findById(id))) {
        throw new FcrmError('not_found', subscriberNotFoundMessage(subscriberId));
      }
      const { rows, total } = await deps.events.page(id, perPage, (page - 1) * perPage);
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
