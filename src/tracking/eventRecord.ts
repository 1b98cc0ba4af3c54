import { formatDateTime } from '../format/dateTime';

/** A tracked event as `track()` returns it and hook listeners receive it: numeric columns as numbers. */
export interface TrackedEventRecord {
  id: number;
  subscriber_id: number;
  counter: number;
  created_by: number;
  provider: string;
  event_key: string;
  title: string;
  value: string;
  created_at: string;
  updated_at: string;
}

/**
 * A row of a contact's event list, exactly as FluentCRM serialises it: `id` a number, and
 * `subscriber_id`, `counter`, `created_by` strings (MySQL hands PHP strings).
 */
export interface TrackedEventListItem {
  id: number;
  subscriber_id: string;
  counter: string;
  created_by: string;
  provider: string;
  event_key: string;
  title: string;
  value: string;
  created_at: string;
  updated_at: string;
}

/** A row of fc_event_tracking as pg returns it. */
export interface EventRow {
  id: string | number;
  subscriber_id: string | number;
  counter: number;
  created_by: string | number | null;
  provider: string;
  event_key: string;
  title: string;
  value: string;
  created_at: Date;
  updated_at: Date;
}

export function toEventRecord(row: EventRow, timeZone: string): TrackedEventRecord {
  return {
    id: Number(row.id),
    subscriber_id: Number(row.subscriber_id),
    counter: Number(row.counter),
    created_by: Number(row.created_by ?? 0),
    provider: row.provider,
    event_key: row.event_key,
    title: row.title,
    value: row.value,
    created_at: formatDateTime(row.created_at, timeZone),
    updated_at: formatDateTime(row.updated_at, timeZone),
  };
}

export function toEventListItem(row: EventRow, timeZone: string): TrackedEventListItem {
  const record = toEventRecord(row, timeZone);
  return {
    ...record,
    subscriber_id: String(record.subscriber_id),
    counter: String(record.counter),
    created_by: String(record.created_by),
  };
}

/** One tracked occurrence (history row): when it happened and what it carried. */
export interface OccurrenceRecord {
  id: number;
  event_id: number;
  subscriber_id: number;
  /** The event's counter after this occurrence. */
  counter: number;
  value: string;
  provider: string;
  created_by: number;
  idempotency_key: string | null;
  occurred_at: string;
  created_at: string;
}

export interface OccurrenceRow {
  id: string;
  event_id: string;
  subscriber_id: string;
  counter: number;
  value: string;
  provider: string;
  created_by: string | null;
  idempotency_key: string | null;
  occurred_at: Date;
  created_at: Date;
}

export function toOccurrenceRecord(row: OccurrenceRow, timeZone: string): OccurrenceRecord {
  return {
    id: Number(row.id),
    event_id: Number(row.event_id),
    subscriber_id: Number(row.subscriber_id),
    counter: Number(row.counter),
    value: row.value,
    provider: row.provider,
    created_by: Number(row.created_by ?? 0),
    idempotency_key: row.idempotency_key,
    occurred_at: formatDateTime(row.occurred_at, timeZone),
    created_at: formatDateTime(row.created_at, timeZone),
  };
}
