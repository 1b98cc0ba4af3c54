/** Quotes an SQL identifier for PostgreSQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The schema-qualified, quoted names our hand-written SQL uses (the runtime's `schema` option). */
export interface TableNames {
  schema: string;
  subscribers: string;
  events: string;
  /** Every tracked occurrence (append-only history). */
  occurrences: string;
  /** Idempotency keys applied within the retention window. */
  idempotencyKeys: string;
  /** Done actions waiting to be (or already) delivered. */
  outbox: string;
  /** Per contact: how many event rows it has (kept by triggers on the events table). */
  eventTotals: string;
  /** Per contact: its event rows numbered 1..n in the order they were created (kept by the same triggers). */
  eventRanks: string;
  /** Per event key: how many days its history is kept (the retention overrides). */
  eventRetention: string;
  /** Hashed e-mails of erased contacts, which may not be created again. */
  suppressions: string;
  /** The SQL function fc_email_hash(text) → bytea: how a suppression names an e-mail. */
  emailHash: string;
}

export function tableNames(schema: string): TableNames {
  const s = quoteIdent(schema);
  return {
    schema,
    subscribers: `${s}."fc_subscribers"`,
    events: `${s}."fc_event_tracking"`,
    occurrences: `${s}."fc_event_occurrences"`,
    idempotencyKeys: `${s}."fc_event_idempotency_keys"`,
    outbox: `${s}."fc_event_outbox"`,
    eventTotals: `${s}."fc_event_totals"`,
    eventRanks: `${s}."fc_event_ranks"`,
    eventRetention: `${s}."fc_event_retention"`,
    suppressions: `${s}."fc_suppressions"`,
    emailHash: `${s}."fc_email_hash"`,
  };
}
