import type { EventTrackingRuntime } from '../src';
import { runLoops } from './loops';

/** Creates the contacts through the public API, before any timing; returns their ids in order. */
export async function seedContacts(rt: EventTrackingRuntime, count: number, concurrency: number): Promise<number[]> {
  const indexes = Array.from({ length: count }, (_, i) => i);
  const ids = new Array<number>(count);
  await runLoops(indexes, concurrency, async (i) => {
    const contact = await rt.api('contacts').createOrUpdate({ email: `bench-${i}@example.com` });
    ids[i] = contact.id;
  });
  return ids;
}
