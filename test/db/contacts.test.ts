import { createContact, uniqueEmail } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

describe("api('contacts')", () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  test('createOrUpdate creates, then updates the same contact by e-mail in any case', async () => {
    const contacts = t.rt.api('contacts');
    const email = uniqueEmail('Jane');
    const created = await contacts.createOrUpdate({ email, first_name: 'Jane', status: 'pending' });
    expect(created).toMatchObject({ email, first_name: 'Jane', last_name: null, user_id: null, status: 'pending' });
    const updated = await contacts.createOrUpdate({ email: ` ${email.toUpperCase()} `, last_name: 'Doe', user_id: '12' });
    expect(updated).toMatchObject({ id: created.id, email, first_name: 'Jane', last_name: 'Doe', user_id: 12, status: 'pending' });
  });

  test('upsert says whether it created the contact or updated an existing one', async () => {
    const email = uniqueEmail('upsert');
    const first = await t.rt.api('contacts').upsert({ email, first_name: 'A' });
    const second = await t.rt.api('contacts').upsert({ email: email.toUpperCase(), last_name: 'B' });
    expect([first.created, second.created]).toEqual([true, false]);
    expect(second.contact).toMatchObject({ id: first.contact.id, first_name: 'A', last_name: 'B' });
  });

  test('the default status is subscribed', async () => {
    expect((await createContact(t.rt)).status).toBe('subscribed');
  });

  test('concurrent createOrUpdate of one e-mail gives one contact', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all(Array.from({ length: 50 }, () => t.rt.api('contacts').createOrUpdate({ email })));
    expect(new Set(results.map((c) => c.id)).size).toBe(1);
    expect(await t.sql('SELECT count(*)::int AS n FROM {schema}.fc_subscribers')).toEqual([{ n: 1 }]);
  });

  test.each([
    ['no e-mail', {}],
    ['a malformed e-mail', { email: 'not-an-email' }],
    ['a status outside the list', { email: 'x@example.com', status: 'active' }],
    ['a negative user_id', { email: 'x@example.com', user_id: -4 }],
    ['a first_name that is not text', { email: 'x@example.com', first_name: ['a'] }],
  ])('%s → invalid_data, nothing stored', async (_name, input) => {
    await expect(t.rt.api('contacts').createOrUpdate(input as never)).rejects.toMatchObject({ code: 'invalid_data' });
    expect(await t.sql('SELECT count(*)::int AS n FROM {schema}.fc_subscribers')).toEqual([{ n: 0 }]);
  });

  test('getContact by id, digits or e-mail; null when unknown', async () => {
    const contact = await createContact(t.rt);
    const contacts = t.rt.api('contacts');
    expect(await contacts.getContact(contact.id)).toEqual(contact);
    expect(await contacts.getContact(String(contact.id))).toEqual(contact);
    expect(await contacts.getContact(contact.email.toUpperCase())).toEqual(contact);
    expect(await contacts.getContact(999999)).toBeNull();
    expect(await contacts.getContact('nobody@example.com')).toBeNull();
    expect(await contacts.getContact('1abc')).toBeNull();
  });

  test('delete removes the contact and its events', async () => {
    const contact = await createContact(t.rt);
    const keep = await createContact(t.rt);
    await t.rt.api('event_tracker').track({ event_key: 'k', title: 'T', subscriber_id: contact.id });
    await t.rt.api('event_tracker').track({ event_key: 'k', title: 'T', subscriber_id: keep.id });
    expect(await t.rt.api('contacts').delete(contact.id)).toBe(true);
    expect(await t.rt.api('contacts').delete(contact.id)).toBe(false);
    expect(await t.sql('SELECT subscriber_id FROM {schema}.fc_event_tracking')).toEqual([{ subscriber_id: String(keep.id) }]);
  });

  test('an unknown API module is a clear error', () => {
    expect(() => t.rt.api('nope' as never)).toThrow('Unknown API module "nope"; available: event_tracker, contacts');
  });
});
