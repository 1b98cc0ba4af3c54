import type { PropertyIndexedResolver, PropertyTypeResolver } from '../properties/propertyTest';
import type { DataSource } from 'typeorm';
import { assertContactBatch, checkBatchItems, type ContactBatchResult } from '../contacts/contactBatch';
import { normalizeContactInput, normalizeEmail, type ContactInput, type NormalizedContact } from '../contacts/contactInput';
import { toContactRecord, type ContactRecord, type ContactRow } from '../contacts/contactRecord';
import type { ContactStore } from '../contacts/contactStore';
import { asSuppressedError, SUPPRESSED_MESSAGE } from '../contacts/suppression';
import type { TableNames } from '../db/tableNames';
import { compileFilterGroups, contactOrderBy, contactSearchCondition, ContactListing, LISTING_ALIAS, parseContactSort, type ListingQueryHook } from '../filters';
import { parsePageParams } from '../pagination/pageParams';
import { buildPaginator, type Paginator } from '../pagination/paginator';
import { toDatabaseId } from '../tracking/contactReference';
import { toEventListItem, type TrackedEventListItem } from '../tracking/eventRecord';

export interface ContactQueryOptions {
  /** FluentCRM advanced filter groups (the array or its JSON text); none: every contact. */
  filters?: unknown;
  page?: number | string;
  per_page?: number | string;
  /** Text to find in the e-mail or the name (case-insensitive). */
  search?: string;
  /**
   * FluentCRM's `sort_by`: id (default), email, first_name, last_name, status, user_id, created_at
   * or updated_at. Text sorts case-insensitively, empty (NULL) first when ascending; ties by id.
   */
  sort_by?: string;
  /** ASC or DESC (any case; default DESC). */
  sort_type?: string;
  /**
   * Adds each contact's latest events (at most EMBEDDED_EVENTS, newest first) under `events` and its
   * number of events under `events_total`, read in one query for the page. The rest: `getEvents`
   * or GET /subscribers/{id}/tracking-events?page=N.
   */
  with_events?: boolean;
  /** The listing URL the paginator's links are built on. */
  path?: string;
  /** "Now" for `within_days` filters (default: the current time). */
  now?: Date;
}

/**
 * How many events `with_events` embeds per contact: FluentCRM's page size for a contact's events.
 * Unbounded, one contact with 12,000 events made a 116 MB answer.
 */
export const EMBEDDED_EVENTS = 15;

/** A contact of a listing; `events` (its latest EMBEDDED_EVENTS) and `events_total` only when asked for. */
export type ContactListItem = ContactRecord & { events?: TrackedEventListItem[]; events_total?: number };

/** `api('contacts')`: just enough contact management to track events for someone, and to find them by their events. */
export interface ContactsApi {
  /** Creates the contact, or updates the one with this e-mail (case-insensitive); rejects with FcrmError on bad input. */
  createOrUpdate(input: ContactInput): Promise<ContactRecord>;
  /** The same, also saying whether the contact was created (true) or an existing one updated. */
  upsert(input: ContactInput): Promise<{ contact: ContactRecord; created: boolean }>;
  /**
   * Up to MAX_CONTACT_BATCH contacts, each created or updated as `upsert` would, in one transaction;
   * one result per item in input order, `{index, id, created, contact}` or `{index, error_code,
   * message}` for an item that is not a valid contact (the others are still written). Rejects with
   * `invalid_data` when `inputs` is not an array of at most MAX_CONTACT_BATCH items.
   */
  createOrUpdateMany(inputs: unknown[]): Promise<ContactBatchResult[]>;
  /** By id (number or digits) or by e-mail; null when there is none. */
  getContact(idOrEmail: number | string): Promise<ContactRecord | null>;
  /** Deletes the contact and, through the foreign key, its events. False when there was none. */
  delete(id: number | string): Promise<boolean>;
  /**
   * Contacts matching the filters and search, newest id first unless `sort_by`/`sort_type` say
   * otherwise, in FluentCRM's paginator. Rejects with FcrmError `invalid_filter` (bad filters),
   * `invalid_pagination` (bad per_page) or `invalid_sort` (bad sort_by or sort_type).
   */
  query(options?: ContactQueryOptions): Promise<Paginator<ContactListItem>>;
}

export const DEFAULT_CONTACTS_PATH = '/wp-json/fluent-crm/v2/subscribers';

export function createContactsApi(deps: {
  contacts: ContactStore;
  timeZone: string;
  dataSource: DataSource;
  tables: TableNames;
  /** Declared property types for event_tracking_property items (event definitions); none by default. */
  propertyType?: PropertyTypeResolver;
  propertyIndexed?: PropertyIndexedResolver;
  /** Test-only: runs inside each listing statement's transaction. */
  listingQuery?: ListingQueryHook;
}): ContactsApi {
  const record = (row: Parameters<typeof toContactRecord>[0] | null) => (row ? toContactRecord(row, deps.timeZone) : null);
  const listing = new ContactListing(deps.dataSource, deps.tables, deps.listingQuery);
  // A plain function, not `this.upsert`: callers may destructure the methods.
  const upsert = async (input: ContactInput) => {
    const { row, created } = await deps.contacts.createOrUpdate(normalizeContactInput(input));
    return { contact: toContactRecord(row, deps.timeZone), created };
  };
  return {
    upsert,

    async createOrUpdate(input) {
      return (await upsert(input)).contact;
    },

    async createOrUpdateMany(inputs) {
      assertContactBatch(inputs);
      const checked = checkBatchItems(inputs);
      const results: ContactBatchResult[] = checked.map((item) => item as ContactBatchResult);
      let valid = checked.flatMap((item, index) => ('error_code' in item ? [] : [{ index, contact: item as NormalizedContact }]));
      // An erased contact's e-mail fails the whole multi-row INSERT (its trigger), so those items are
      // answered subscriber_suppressed and set aside first; an erase racing the batch is checked again.
      let written: Array<{ row: ContactRow; created: boolean }> = [];
      for (let attempt = 1; valid.length > 0; attempt += 1) {
        const suppressed = await deps.contacts.suppressedAmong(valid.map((item) => item.contact.email));
        for (const item of valid) {
          if (suppressed.has(item.contact.email)) results[item.index] = { index: item.index, error_code: 'subscriber_suppressed', message: SUPPRESSED_MESSAGE };
        }
        valid = valid.filter((item) => !suppressed.has(item.contact.email));
        if (valid.length === 0) break;
        try {
          written = await deps.contacts.createOrUpdateMany(valid.map((item) => item.contact));
          break;
        } catch (error) {
          if (attempt >= 3 || !asSuppressedError(error)) throw error;
        }
      }
      valid.forEach(({ index }, i) => {
        const contact = toContactRecord(written[i].row, deps.timeZone);
        results[index] = { index, id: contact.id, created: written[i].created, contact };
      });
      return results;
    },

    async getContact(idOrEmail) {
      const id = toDatabaseId(idOrEmail);
      if (id) return record(await deps.contacts.findById(id));
      const email = normalizeEmail(idOrEmail);
      return email ? record(await deps.contacts.findByEmail(email)) : null;
    },

    async delete(id) {
      const dbId = toDatabaseId(id);
      return dbId ? deps.contacts.delete(dbId) : false;
    },

    async query(options = {}) {
      const { page, perPage } = parsePageParams(options);
      const orderBy = contactOrderBy(parseContactSort(options), LISTING_ALIAS);
      const params: unknown[] = [];
      const conditions = [
        compileFilterGroups(options.filters, { tables: deps.tables, contactAlias: LISTING_ALIAS, params, now: options.now, propertyType: deps.propertyType, propertyIndexed: deps.propertyIndexed }),
        contactSearchCondition(options.search, LISTING_ALIAS, params),
      ].filter((condition): condition is string => condition !== null);
      const { rows, total } = await listing.page(conditions.join(' AND ') || 'TRUE', params, orderBy, perPage, (page - 1) * perPage);
      const events = options.with_events === true ? await listing.latestEventsOf(rows.map((row) => String(row.id)), EMBEDDED_EVENTS) : null;
      const data = rows.map((row): ContactListItem => {
        const contact = toContactRecord(row, deps.timeZone);
        if (!events) return contact;
        const own = events.get(String(row.id)) ?? { rows: [], total: 0 };
        return { ...contact, events: own.rows.map((event) => toEventListItem(event, deps.timeZone)), events_total: own.total };
      });
      return buildPaginator({ data, total, page, perPage, path: options.path ?? DEFAULT_CONTACTS_PATH });
    },
  };
}
