import { checkContactMatches } from '../../src/filters';
import { tableNames } from '../../src/db/tableNames';
import type { TestRuntime } from '../helpers/testRuntime';

/** An event row written straight to the table, so counters, values and dates are exactly as a test needs. */
export interface SeedEvent {
  key: string;
  title: string;
  counter?: number;
  value?: string;
  created_at?: string;
  updated_at?: string;
}

/** Creates named contacts (e-mail `<name>@example.com`) with these events; returns name → id. */
export async function seedContacts(t: TestRuntime, contacts: Record<string, SeedEvent[]>): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const [name, events] of Object.entries(contacts)) {
    const contact = await t.rt.api('contacts').createOrUpdate({ email: `${name}@example.com`, first_name: name });
    ids.set(name, contact.id);
    for (const e of events) {
      await t.sql(
        `INSERT INTO {schema}.fc_event_tracking (subscriber_id, counter, event_key, title, value, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, COALESCE($6::timestamptz, now()), COALESCE($7::timestamptz, $6::timestamptz, now()))`,
        [contact.id, e.counter ?? 1, e.key, e.title, e.value ?? '', e.created_at ?? null, e.updated_at ?? null],
      );
    }
  }
  return ids;
}

/**
 * The names of the contacts the filter selects, sorted, through api('contacts').query; every answer
 * is also checked contact by contact with checkContactMatches (the automation path), which must agree.
 */
export async function matching(t: TestRuntime, ids: Map<string, number>, filters: unknown, now?: Date): Promise<string[]> {
  const page = await t.rt.api('contacts').query({ filters, per_page: 100, now });
  const byId = new Map([...ids].map(([name, id]) => [id, name]));
  const listed = page.data.map((c) => byId.get(c.id) ?? `?${c.id}`).sort();
  expect(page.total).toBe(listed.length);
  const tables = tableNames(t.schema);
  const checked: string[] = [];
  for (const [name, id] of ids) {
    if (await checkContactMatches(t.rt.dataSource, tables, id, filters, now)) checked.push(name);
  }
  expect(checked.sort()).toEqual(listed);
  return listed;
}

/** One FluentCRM filter item on the event_tracking source. */
export function item(property: string, operator: string, value: unknown, extra_value?: unknown): Record<string, unknown> {
  const it: Record<string, unknown> = { source: ['event_tracking', property], operator, value };
  if (extra_value !== undefined) it.extra_value = extra_value;
  return it;
}
