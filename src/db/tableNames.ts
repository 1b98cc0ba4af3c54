/** Quotes an SQL identifier for PostgreSQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The schema-qualified, quoted names our hand-written SQL uses (the runtime's `schema` option). */
export interface TableNames {
  schema: string;
  subscribers: string;
  events: string;
}

export function tableNames(schema: string): TableNames {
  const s = quoteIdent(schema);
  return { schema, subscribers: `${s}."fc_subscribers"`, events: `${s}."fc_event_tracking"` };
}
