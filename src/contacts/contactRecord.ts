import type { SubscriberStatus } from '../../entities';
import { formatDateTime } from '../format/dateTime';

/** A contact as the API returns it and hook listeners receive it. */
export interface ContactRecord {
  id: number;
  user_id: number | null;
  email: string;
  first_name: string | null;
  last_name: string | null;
  status: SubscriberStatus;
  created_at: string;
  updated_at: string;
}

/** A row of fc_subscribers as pg returns it (bigint as string, timestamptz as Date). */
export interface ContactRow {
  id: string | number;
  user_id: string | number | null;
  email: string;
  first_name: string | null;
  last_name: string | null;
  status: SubscriberStatus;
  created_at: Date;
  updated_at: Date;
}

export function toContactRecord(row: ContactRow, timeZone: string): ContactRecord {
  return {
    id: Number(row.id),
    user_id: row.user_id === null ? null : Number(row.user_id),
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    status: row.status,
    created_at: formatDateTime(row.created_at, timeZone),
    updated_at: formatDateTime(row.updated_at, timeZone),
  };
}
