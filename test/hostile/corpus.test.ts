import { createContact } from '../helpers/fixtures';
import { openTestServer, type TestServer } from '../helpers/testServer';
import { hostileCorpus, type Ctx, type HostileCase } from './corpus';
import { CLIENT_STATUSES, counts, eventExists, expectConsistent, expectStillServing, expectWellFormed, viaApi, viaHook, viaRest, type Outcome } from './kit';

// Every named malformed input through the three entrances: api('event_tracker').track(data, true),
// the fluent_crm/track_event_activity hook, and POST /subscribers/track-event.
const corpus = hostileCorpus();
const groups = [...new Set(corpus.map((c) => c.group))];

describe(`hostile input corpus (${corpus.length} named inputs × 3 entrances)`, () => {
  let s: TestServer;
  // One contact per entrance: an idempotency key applied through the API is then new to the hook
  // and to REST (a replay fires no hook, so it would read as "nothing happened").
  let api: Ctx;
  let hook: Ctx;
  let rest: Ctx;
  beforeAll(async () => {
    s = await openTestServer();
    const ctxOf = async (): Promise<Ctx> => {
      const contact = await createContact(s.rt);
      return { contactId: contact.id, email: contact.email };
    };
    [api, hook, rest] = [await ctxOf(), await ctxOf(), await ctxOf()];
  });
  afterAll(() => s.close());

  // The README states these numbers (Reliability → Hostile input); a change to the corpus changes both.
  test('the corpus holds the 312 named inputs the README counts: 125 stored, 187 rejected, per group as listed', () => {
    expect(corpus.length).toBe(312);
    expect(corpus.filter((c) => 'ok' in c.expect).length).toBe(125);
    expect(corpus.filter((c) => !('ok' in c.expect)).length).toBe(187);
    const perGroup = Object.fromEntries(groups.map((g) => [g, corpus.filter((c) => c.group === g).length]));
    expect(perGroup).toEqual({
      'wrong types': 117,
      'top level': 7,
      'prototype keys': 10,
      'NUL and surrogates': 56,
      sizes: 15,
      nesting: 13,
      'SQL text': 30,
      'HTML text': 24,
      'e-mails and ids': 40,
    });
  });

  /** Asserts an API or hook outcome against the case's expectation, and that a rejection stored nothing. */
  async function expectOutcome(c: HostileCase, run: () => Promise<Outcome>) {
    const before = await counts(s);
    const outcome = await run();
    if ('untyped' in outcome) throw new Error(`untyped outcome for ${c.name}: ${String((outcome.untyped as Error)?.stack ?? JSON.stringify(outcome.untyped))}`);
    if ('ok' in c.expect) {
      expect(outcome).toEqual({ id: expect.any(Number) });
      expect(await eventExists(s, (outcome as { id: number }).id)).toBe(true);
    } else {
      expect(outcome).toEqual({ code: c.expect.code, message: expect.any(String) });
      expect((outcome as { message: string }).message.length).toBeGreaterThan(0);
      expect(await counts(s)).toEqual(before);
    }
  }

  describe.each(groups)('%s', (group) => {
    const cases = corpus.filter((c) => c.group === group);

    test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      // 1. the PHP-style API
      await expectOutcome(c, () => viaApi(s, c.data(api)));
      // 2. the action hook
      await expectOutcome(c, () => viaHook(s, c.data(hook)));
      // 3. REST
      const before = await counts(s);
      const body = c.restBody ? c.restBody(rest) : JSON.stringify(c.data(rest));
      const answer = await viaRest(s, body);
      expectWellFormed(answer);
      const allowed = c.restStatus ?? ('ok' in c.expect ? [200] : [422]);
      if (!allowed.includes(answer.status)) throw new Error(`REST answered ${answer.status} (expected ${allowed.join('/')}): ${answer.text.slice(0, 300)}`);
      expect(CLIENT_STATUSES.concat(200)).toContain(answer.status);
      if (answer.status === 200) {
        expect(await eventExists(s, (answer.body as { id: number }).id)).toBe(true);
      } else {
        expect(await counts(s)).toEqual(before);
        if (answer.status === 422 && !('ok' in c.expect)) {
          const b = answer.body as Record<string, unknown>;
          // Either the tracker's typed error or the route's required-field errors (FluentCRM's shape).
          if ('error_code' in b) expect(b.error_code).toBe(c.expect.code);
          else {
            expect(c.expect.code).toBe('invalid_data');
            expect(Object.keys(b).every((k) => k === 'event_key' || k === 'title')).toBe(true);
          }
        } else if (answer.status !== 422) {
          expect(answer.body).toMatchObject({ code: expect.stringMatching(/^rest_/), data: { status: answer.status } });
        }
      }
    });

    test(`after "${group}": nothing half-stored, the server still serves`, async () => {
      await expectConsistent(s);
      await expectStillServing(s, rest.contactId);
    });
  });
});
