import fc from 'fast-check';
import { FcrmError } from '../../src';
import { createContact } from '../helpers/fixtures';
import { openTestServer, type TestServer } from '../helpers/testServer';
import { CLIENT_STATUSES, counts, eventExists, expectConsistent, expectStillServing, expectWellFormed, TRACK_CODES, viaRest } from './kit';

// Generated inputs: the invariant is "a typed error or a stored row; never a 500 or an unknown error;
// nothing half-stored". A fixed seed keeps the run reproducible; numRuns keeps the folder under a minute.
// FCRM_HOSTILE_RUNS and FCRM_HOSTILE_SEED explore further (e.g. FCRM_HOSTILE_RUNS=2000 FCRM_HOSTILE_SEED=7).
const RUNS = Number(process.env.FCRM_HOSTILE_RUNS ?? 200);
const SEED = Number(process.env.FCRM_HOSTILE_SEED ?? 20261126);

describe('hostile input, generated (fast-check)', () => {
  let s: TestServer;
  let contactId: number;
  let email: string;
  beforeAll(async () => {
    s = await openTestServer();
    const contact = await createContact(s.rt);
    contactId = contact.id;
    email = contact.email;
  });
  afterAll(() => s.close());

  /** A field that is sometimes right, usually hostile. */
  const hostileField = () =>
    fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.jsonValue({ maxDepth: 3 }),
      fc.constantFrom(null, true, false, 0, -1, 1.5, 'NaN', '', ' ', '\u0000', '\uD800', '<script>x</script>', "'; DROP TABLE fc_event_tracking; --"),
    );
  /** Usually a valid value from `valid`, sometimes hostile: enough cases get past validation to be stored. */
  const mostlyValid = (valid: fc.Arbitrary<unknown>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: hostileField() });
  const validKey = fc.stringMatching(/^[a-z][a-z0-9_]{0,30}$/);
  const validTitle = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }).filter((t) => /\w/.test(t)), fc.constantFrom('Order paid', 'Viewed <b>page</b>', 'Café ☕'));
  /**
   * Track data: event_key, title and occurred_at usually valid, every other field drawn from
   * hostileField, and a contact reference that usually resolves.
   */
  const trackData = () =>
    fc.record(
      {
        event_key: mostlyValid(validKey),
        title: mostlyValid(validTitle),
        value: hostileField(),
        provider: hostileField(),
        idempotency_key: hostileField(),
        occurred_at: mostlyValid(fc.date({ min: new Date('2000-01-02'), max: new Date('2025-12-31'), noInvalidDate: true }).map((d) => d.toISOString().replace(/\.\d+Z$/, 'Z'))),
        contact: fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom('subscriber_id', 'email') },
          { weight: 1, arbitrary: fc.constantFrom('user_id', 'none', 'hostile_subscriber_id', 'hostile_email', 'hostile_user_id') },
        ),
        hostileContact: hostileField(),
      },
      { requiredKeys: ['event_key', 'title', 'contact', 'hostileContact'] },
    ).map(({ contact, hostileContact, ...data }) => {
      const ref: Record<string, unknown> = {};
      if (contact === 'subscriber_id') ref.subscriber_id = contactId;
      else if (contact === 'email') ref.email = email;
      else if (contact.startsWith('hostile_')) ref[contact.slice('hostile_'.length)] = hostileContact;
      return { ...data, ...ref };
    });

  /** fast-check reads a property's `false` as a failure: the invariants' "stored?" is only for the tally. */
  const ignore = (): void => undefined;
  /** How many "hostile values in every field" cases ran and how many were stored, per entrance. */
  const reached = { api: { runs: 0, stored: 0 }, rest: { runs: 0, stored: 0 } };
  const tally = (entrance: keyof typeof reached) => (stored: boolean) => {
    reached[entrance].runs += 1;
    if (stored) reached[entrance].stored += 1;
  };

  /** API invariant: resolves to a stored row, or rejects with a typed FcrmError and stores nothing. Says whether it stored. */
  async function apiInvariant(data: unknown): Promise<boolean> {
    const before = await counts(s);
    let row: { id: number } | null = null;
    try {
      row = await s.rt.api('event_tracker').track(data as never, true);
    } catch (error) {
      if (!(error instanceof FcrmError)) throw new Error(`untyped error for ${safeJson(data)}: ${(error as Error)?.stack ?? String(error)}`);
      if (!TRACK_CODES.includes(error.code)) throw new Error(`unexpected code ${error.code} for ${safeJson(data)}`);
      expect(await counts(s)).toEqual(before);
      return false;
    }
    expect(await eventExists(s, Number(row.id))).toBe(true);
    return true;
  }

  /** REST invariant: 200 with a stored row, or a JSON 4xx that stores nothing; never a 500 or a leak. */
  async function restInvariant(body: string): Promise<boolean> {
    const before = await counts(s);
    const answer = await viaRest(s, body);
    expectWellFormed(answer);
    if (answer.status === 200) {
      expect(await eventExists(s, (answer.body as { id: number }).id)).toBe(true);
      return true;
    }
    if (!CLIENT_STATUSES.includes(answer.status)) throw new Error(`REST ${answer.status} for ${body.slice(0, 300)}: ${answer.text.slice(0, 300)}`);
    expect(await counts(s)).toEqual(before);
    return false;
  }

  test('API: fc.anything() as track data', async () => {
    await fc.assert(fc.asyncProperty(fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withBoxedValues: true }), (d) => apiInvariant(d).then(ignore)), { numRuns: RUNS, seed: SEED });
  });

  test('API: fc.object() as track data', async () => {
    await fc.assert(fc.asyncProperty(fc.object({ maxDepth: 3 }), (d) => apiInvariant(d).then(ignore)), { numRuns: RUNS, seed: SEED });
  });

  test('API: hostile values in every field', async () => {
    await fc.assert(fc.asyncProperty(trackData(), (d) => apiInvariant(d).then(tally('api'))), { numRuns: RUNS, seed: SEED });
  });

  test('REST: fc.jsonValue() as the body', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue(), (v) => restInvariant(JSON.stringify(v)).then(ignore)), { numRuns: RUNS, seed: SEED });
  });

  test('REST: hostile values in every field', async () => {
    await fc.assert(fc.asyncProperty(trackData(), (d) => restInvariant(JSON.stringify(d)).then(tally('rest'))), { numRuns: RUNS, seed: SEED });
  });

  test('REST: arbitrary text as the body', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string(), fc.json(), fc.string({ unit: 'binary' })), (t) => restInvariant(t).then(ignore)), { numRuns: RUNS, seed: SEED });
  });

  test('afterwards: nothing half-stored, the server still serves, at least 20 % of the field cases were stored', async () => {
    await expectConsistent(s);
    await expectStillServing(s, contactId);
    // The generators reach the success path too, not only the errors: at least a fifth of the
    // "hostile values in every field" cases are stored, at each entrance.
    for (const entrance of [reached.api, reached.rest]) {
      expect(entrance.runs).toBeGreaterThanOrEqual(RUNS);
      expect(entrance.stored / entrance.runs).toBeGreaterThanOrEqual(0.2);
    }
  });
});

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))?.slice(0, 500) ?? String(value);
  } catch {
    return String(value);
  }
}
