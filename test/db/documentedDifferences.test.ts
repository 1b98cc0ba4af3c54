import { FcrmError } from '../../src';
import { createContact, uniqueEmail } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

// The two deliberate differences from FluentCRM that README's "Differences from FluentCRM" names
// (issue 15, item 4): each is held here, so the README cannot drift from the behaviour.
describe('deliberate differences from FluentCRM', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());

  const stored = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM {schema}.fc_event_tracking'))[0].n;
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: unknown) => error,
    );

  test('event and contact both wrong (title "" for an unknown e-mail): invalid_data first (FluentCRM: subscriber_not_found)', async () => {
    const before = await stored();
    const data = { event_key: 'k', title: '', email: uniqueEmail('nobody') };
    const error = await failure(t.rt.api('event_tracker').track(data));
    expect(error).toBeInstanceOf(FcrmError);
    expect(error).toMatchObject({ code: 'invalid_data', message: 'Invalid data provided. key and event are required' });
    const [result] = await t.rt.api('event_tracker').trackMany([data]);
    expect(result).toMatchObject({ index: 0, error_code: 'invalid_data' });
    expect(await stored()).toBe(before);
  });

  test('an in-process subscriber that is not a contact object ("abc") rejects with subscriber_not_found (FluentCRM: null, nothing stored)', async () => {
    const contact = await createContact(t.rt);
    const before = await stored();
    for (const subscriber of ['abc', 42, ['x']]) {
      const error = await failure(t.rt.api('event_tracker').track({ event_key: 'k', title: 'T', subscriber } as never));
      expect(error).toBeInstanceOf(FcrmError);
      expect(error).toMatchObject({ code: 'subscriber_not_found', message: 'Subscriber not found' });
    }
    // Not a fallback to the other identifiers either: the first non-empty one decides.
    const withEmail = await failure(t.rt.api('event_tracker').track({ event_key: 'k', title: 'T', subscriber: 'abc', email: contact.email } as never));
    expect(withEmail).toMatchObject({ code: 'subscriber_not_found' });
    expect(await stored()).toBe(before);
  });
});
