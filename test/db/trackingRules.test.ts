import { FcrmError } from '../../src';
import { createContact, uniqueEmail } from '../helpers/fixtures';
import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

// Every rule of spec section 3, through api('event_tracker').track on a real database.
describe('tracking rules', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  const track = (data: unknown, fireDone = false) => t.rt.api('event_tracker').track(data as never, fireDone);
  const eventCount = async () => (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM {schema}.fc_event_tracking'))[0].n;

  /** Asserts the call fails with `code` (and `message` when given) and stores nothing. */
  async function expectRejected(data: unknown, code: string, message?: string | RegExp) {
    const before = await eventCount();
    const error = await track(data).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FcrmError);
    expect((error as FcrmError).code).toBe(code);
    if (message !== undefined) expect((error as FcrmError).message).toMatch(message);
    expect(await eventCount()).toBe(before);
  }

  describe('sanitising (the spec examples)', () => {
    test.each([
      ['percent-encoded octets', 'Save 20%AB today %zz 100% %2F', 'Save 20 today %zz 100%'],
      ['script and tags', '<script>alert(1)</script><b>Bold</b> <i>Title</i>', 'Bold Title'],
      ['comparison signs stay', 'a < b and c > d & e', 'a < b and c > d & e'],
      ['whitespace runs', '  Line\n\n\tbreak   here ', 'Line break here'],
    ])('title: %s', async (_name, title, stored) => {
      const contact = await createContact(t.rt);
      const row = await track({ event_key: 'k', title, subscriber_id: contact.id });
      expect(row.title).toBe(stored);
      expect(await t.sql('SELECT title FROM {schema}.fc_event_tracking')).toEqual([{ title: stored }]);
    });

    test('event_key and provider are sanitised like the title', async () => {
      const contact = await createContact(t.rt);
      const row = await track({ event_key: ' <b>order</b>_paid%2F ', title: 'T', provider: '<i>woo</i>\ncommerce', subscriber_id: contact.id });
      expect([row.event_key, row.provider]).toEqual(['order_paid', 'woo commerce']);
    });

    test('value keeps newlines and tabs, strips tags, escapes a lone <', async () => {
      const contact = await createContact(t.rt);
      const value = '<p>Line1</p>\n\n\nLine2\t tab   spaces <script>alert(1)</script><b>bold</b> a < b %AB end  ';
      const row = await track({ event_key: 'k', title: 'T', value, subscriber_id: contact.id });
      expect(row.value).toBe('Line1\n\n\nLine2\t tab spaces bold a &lt; b end');
    });
  });

  describe('required fields', () => {
    test('"0" is a valid event_key and title; numbers become strings', async () => {
      const contact = await createContact(t.rt);
      expect(await track({ event_key: '0', title: '0', subscriber_id: contact.id })).toMatchObject({ event_key: '0', title: '0' });
      expect(await track({ event_key: 42, title: 1.5, subscriber_id: contact.id })).toMatchObject({ event_key: '42', title: '1.5' });
    });

    test.each([
      ['missing event_key', { title: 'T' }],
      ['missing title', { event_key: 'k' }],
      ['empty title', { event_key: 'k', title: '' }],
      ['whitespace-only title', { event_key: 'k', title: '   \n\t ' }],
      ['tags-only title', { event_key: 'k', title: '<b></b>' }],
      ['script-only event_key', { event_key: '<script>x</script>', title: 'T' }],
      ['octets-only title', { event_key: 'k', title: '%2F%AB' }],
      ['array event_key', { event_key: ['a'], title: 'T' }],
      ['object title', { event_key: 'k', title: { a: 1 } }],
      ['boolean event_key', { event_key: true, title: 'T' }],
      ['boolean title', { event_key: 'k', title: false }],
      ['null title', { event_key: 'k', title: null }],
      ['NaN event_key', { event_key: Number.NaN, title: 'T' }],
    ])('%s → invalid_data, nothing stored', async (_name, data) => {
      const contact = await createContact(t.rt);
      await expectRejected({ ...data, subscriber_id: contact.id }, 'invalid_data', 'Invalid data provided. key and event are required');
    });

    test.each([
      ['null', null],
      ['a string', 'event'],
      ['an array', [{ event_key: 'k', title: 'T' }]],
    ])('data that is %s → invalid_data', async (_name, data) => {
      await expectRejected(data, 'invalid_data');
    });
  });

  describe('lengths', () => {
    test('a 70,000-character title and event_key are cut to 192 characters', async () => {
      const contact = await createContact(t.rt);
      const row = await track({ event_key: 'k'.repeat(70_000), title: 'x'.repeat(70_000), subscriber_id: contact.id });
      expect([row.event_key.length, row.title.length]).toEqual([192, 192]);
    });

    test('a cut never splits a character (emoji are 2 UTF-16 units)', async () => {
      const contact = await createContact(t.rt);
      const row = await track({ event_key: 'k', title: '😀'.repeat(300), subscriber_id: contact.id });
      expect(Array.from(row.title)).toHaveLength(192);
      expect(row.title).toBe('😀'.repeat(192));
    });

    test('provider is cut to 50 characters', async () => {
      const contact = await createContact(t.rt);
      const row = await track({ event_key: 'k', title: 'T', provider: 'p'.repeat(80), subscriber_id: contact.id });
      expect(row.provider).toBe('p'.repeat(50));
    });

    test('a value of exactly 65,535 bytes is stored', async () => {
      const contact = await createContact(t.rt);
      const row = await track({ event_key: 'k', title: 'T', value: 'v'.repeat(65_535), subscriber_id: contact.id });
      expect(row.value).toHaveLength(65_535);
    });

    test('a 70,000-byte value is rejected with value_too_long and the limit in the message', async () => {
      const contact = await createContact(t.rt);
      await expectRejected({ event_key: 'k', title: 'T', value: 'v'.repeat(70_000), subscriber_id: contact.id }, 'value_too_long', /65535 bytes/);
      // Multibyte: 30,000 × "é" (2 bytes each) = 60,000 bytes is fine; 33,000 × "é" = 66,000 is not.
      await expect(track({ event_key: 'k', title: 'T', value: 'é'.repeat(30_000), subscriber_id: contact.id })).resolves.toBeDefined();
      await expectRejected({ event_key: 'k2', title: 'T', value: 'é'.repeat(33_000), subscriber_id: contact.id }, 'value_too_long');
    });

    test('a repeat with a too-long value leaves the stored counter and value alone', async () => {
      const contact = await createContact(t.rt);
      await track({ event_key: 'k', title: 'T', value: 'first', subscriber_id: contact.id });
      await expectRejected({ event_key: 'k', title: 'T', value: 'v'.repeat(70_000), subscriber_id: contact.id }, 'value_too_long');
      expect(await t.sql('SELECT counter, value FROM {schema}.fc_event_tracking')).toEqual([{ counter: 1, value: 'first' }]);
    });
  });

  describe('value', () => {
    test.each([
      ['missing', undefined, ''],
      ['null', null, ''],
      ['true', true, '1'],
      ['false', false, ''],
      ['an integer', 42, '42'],
      ['a float', 1.25, '1.25'],
      ['an object (JSON)', { plan: 'pro', seats: 3 }, '{"plan":"pro","seats":3}'],
      ['an array (JSON)', ['a', 1, null], '["a",1,null]'],
      ['an object with markup (strings sanitised, JSON kept valid)', { note: '<b>hi</b> "quoted"' }, '{"note":"hi \\"quoted\\""}'],
    ])('%s is stored as %p', async (_name, value, stored) => {
      const contact = await createContact(t.rt);
      const row = await track({ event_key: 'k', title: 'T', value, subscriber_id: contact.id });
      expect(row.value).toBe(stored);
    });

    test('a JSON value with a __proto__ key is stored as data and pollutes nothing', async () => {
      const contact = await createContact(t.rt);
      const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
      const row = await track({ event_key: 'k', title: 'T', value, subscriber_id: contact.id });
      expect(JSON.parse(row.value)).toEqual(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}'));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    test('a value nested 20,000 levels deep is invalid_data "nested too deeply", not a crash', async () => {
      const contact = await createContact(t.rt);
      let deep: unknown = 'bottom';
      for (let i = 0; i < 20_000; i += 1) deep = [deep];
      await expectRejected({ event_key: 'k', title: 'T', value: deep, subscriber_id: contact.id }, 'invalid_data', /nested too deeply/);
    });

    test('a cyclic object is rejected with invalid_data', async () => {
      const contact = await createContact(t.rt);
      const value: Record<string, unknown> = {};
      value.self = value;
      await expectRejected({ event_key: 'k', title: 'T', value, subscriber_id: contact.id }, 'invalid_data', /JSON/);
    });

    test('a repeat overwrites the value (missing → ""), keeps the first title, key, provider and created_by', async () => {
      const contact = await createContact(t.rt);
      const first = await t.rt.runAs({ userId: 7 }, () =>
        track({ event_key: 'Order_Paid', title: 'Order Paid', provider: 'woocommerce', value: 'one', subscriber_id: contact.id }),
      );
      const second = await track({ event_key: 'order_paid', title: 'ORDER PAID', provider: 'edd', subscriber_id: contact.id });
      expect(second).toMatchObject({
        id: first.id,
        counter: 2,
        event_key: 'Order_Paid',
        title: 'Order Paid',
        provider: 'woocommerce',
        value: '',
        created_by: 7,
      });
    });
  });

  describe('provider', () => {
    test('missing → "custom"; explicit "" or null → ""', async () => {
      const contact = await createContact(t.rt);
      expect((await track({ event_key: 'a', title: 'T', subscriber_id: contact.id })).provider).toBe('custom');
      expect((await track({ event_key: 'b', title: 'T', provider: '', subscriber_id: contact.id })).provider).toBe('');
      expect((await track({ event_key: 'c', title: 'T', provider: null, subscriber_id: contact.id })).provider).toBe('');
    });

    test('a provider that is not text is rejected', async () => {
      const contact = await createContact(t.rt);
      await expectRejected({ event_key: 'k', title: 'T', provider: { a: 1 }, subscriber_id: contact.id }, 'invalid_data', /provider/);
    });
  });

  describe('unsafe characters', () => {
    test('NUL characters are removed from every field', async () => {
      const contact = await createContact(t.rt);
      const row = await track({ event_key: 'k\u0000ey', title: 'Ti\u0000tle', provider: 'p\u0000', value: 'v\u0000al', subscriber_id: contact.id });
      expect(row).toMatchObject({ event_key: 'key', title: 'Title', provider: 'p', value: 'val' });
    });

    test('lone surrogates are removed; real emoji are kept', async () => {
      const contact = await createContact(t.rt);
      const row = await track({ event_key: 'k\uD800', title: 'A\uDC00B 😀', value: 'x\uD83Dy', subscriber_id: contact.id });
      expect(row).toMatchObject({ event_key: 'k', title: 'AB 😀', value: 'xy' });
    });

    test('an e-mail with a NUL byte finds no contact instead of failing in the database', async () => {
      await expectRejected({ event_key: 'k', title: 'T', email: 'a\u0000@example.com' }, 'subscriber_not_found');
    });
  });

  describe('ignored keys', () => {
    test('id, counter, created_by and created_at in the input change nothing', async () => {
      const contact = await createContact(t.rt);
      const row = await track({
        event_key: 'k',
        title: 'T',
        subscriber_id: contact.id,
        id: 999,
        counter: 50,
        created_by: 12,
        created_at: '2001-01-01 00:00:00',
      });
      expect(row).toMatchObject({ counter: 1, created_by: 0 });
      expect(row.id).not.toBe(999);
      expect(row.created_at.startsWith('2001')).toBe(false);
    });
  });

  describe('contact resolution', () => {
    test('by subscriber_id (number or digits), email (trimmed, any case) and user_id', async () => {
      const contact = await createContact(t.rt, { email: uniqueEmail('Mixed.Case'), user_id: 501 });
      const api = t.rt.api('event_tracker');
      const calls = [
        { subscriber_id: contact.id },
        { subscriber_id: String(contact.id) },
        { email: `  ${contact.email.toUpperCase()} ` },
        { user_id: 501 },
        { user_id: '501' },
      ];
      for (const who of calls) {
        expect((await api.track({ event_key: 'k', title: 'T', ...who })).subscriber_id).toBe(contact.id);
      }
      expect(await t.sql('SELECT counter FROM {schema}.fc_event_tracking')).toEqual([{ counter: calls.length }]);
    });

    test('the first non-empty identifier wins, with no fallback: a wrong subscriber_id with a valid email fails', async () => {
      const contact = await createContact(t.rt);
      await expectRejected({ event_key: 'k', title: 'T', subscriber_id: 999999, email: contact.email }, 'subscriber_not_found', 'Subscriber not found');
      await expectRejected({ event_key: 'k', title: 'T', email: 'nobody@example.com', user_id: contact.id }, 'subscriber_not_found');
    });

    test('subscriber (an already loaded contact) comes before subscriber_id', async () => {
      const a = await createContact(t.rt);
      const b = await createContact(t.rt);
      const row = await track({ event_key: 'k', title: 'T', subscriber: a, subscriber_id: b.id });
      expect(row.subscriber_id).toBe(a.id);
    });

    test('0, "0", "" and null count as absent and pass to the next identifier', async () => {
      const contact = await createContact(t.rt, { user_id: 3030 });
      const row = await track({ event_key: 'k', title: 'T', subscriber: null, subscriber_id: '0', email: contact.email, user_id: 0 });
      expect(row.subscriber_id).toBe(contact.id);
      const row2 = await track({ event_key: 'k', title: 'T', subscriber_id: 0, email: '', user_id: '3030' });
      expect(row2.subscriber_id).toBe(contact.id);
    });

    test.each([
      ['"1abc" (MySQL would cast it to 1)', '1abc'],
      ['a negative id', -1],
      ['a fraction', 1.5],
      ['an id beyond bigint', '99999999999999999999'],
      ['an object', { id: 1 }],
    ])('subscriber_id %s → subscriber_not_found', async (_name, subscriber_id) => {
      await createContact(t.rt);
      await expectRejected({ event_key: 'k', title: 'T', subscriber_id }, 'subscriber_not_found', 'Subscriber not found');
    });

    test('tracking never creates a contact', async () => {
      await expectRejected({ event_key: 'k', title: 'T', email: uniqueEmail('ghost') }, 'subscriber_not_found');
      expect(await t.sql('SELECT count(*)::int AS n FROM {schema}.fc_subscribers')).toEqual([{ n: 0 }]);
    });

    test('unsubscribed contacts are tracked', async () => {
      const contact = await createContact(t.rt, { status: 'unsubscribed' });
      expect((await track({ event_key: 'k', title: 'T', email: contact.email })).subscriber_id).toBe(contact.id);
    });

    test('a user_id resolver supplied by the host finds the contact through the user e-mail', async () => {
      const other = await openTestRuntime({ resolveUserEmail: (id) => (id === 77 ? emailOf77 : null) });
      const emailOf77 = uniqueEmail('wp.user');
      try {
        const contact = await other.rt.api('contacts').createOrUpdate({ email: emailOf77 });
        const row = await other.rt.api('event_tracker').track({ event_key: 'k', title: 'T', user_id: 77 });
        expect(row.subscriber_id).toBe(contact.id);
        await expect(other.rt.api('event_tracker').track({ event_key: 'k', title: 'T', user_id: 78 })).rejects.toMatchObject({
          code: 'subscriber_not_found',
        });
      } finally {
        await other.close();
      }
    });
  });

  describe('current contact (runAs)', () => {
    test('without an identifier the acting user is the contact, and created_by is their id', async () => {
      const contact = await createContact(t.rt, { user_id: 42 });
      const row = await t.rt.runAs({ userId: 42 }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 5)); // the context survives awaits and timers
        return track({ event_key: 'k', title: 'T' });
      });
      expect(row).toMatchObject({ subscriber_id: contact.id, created_by: 42 });
    });

    test('an acting user known by e-mail only', async () => {
      const contact = await createContact(t.rt);
      const row = await t.rt.runAs({ email: contact.email.toUpperCase() }, () => track({ event_key: 'k', title: 'T' }));
      expect(row).toMatchObject({ subscriber_id: contact.id, created_by: 0 });
    });

    test('an explicit identifier wins over the acting user, who still stamps created_by', async () => {
      const me = await createContact(t.rt, { user_id: 5 });
      const other = await createContact(t.rt);
      const row = await t.rt.runAs({ userId: 5 }, () => track({ event_key: 'k', title: 'T', email: other.email }));
      expect(row).toMatchObject({ subscriber_id: other.id, created_by: 5 });
      expect(row.subscriber_id).not.toBe(me.id);
    });

    test('the hook entrance runs in the caller context', async () => {
      const contact = await createContact(t.rt, { user_id: 9 });
      t.rt.runAs({ userId: 9 }, () => t.rt.hooks.doAction('fluent_crm/track_event_activity', { event_key: 'k', title: 'T' }));
      await t.rt.drain();
      expect(await t.sql('SELECT subscriber_id, created_by FROM {schema}.fc_event_tracking')).toEqual([
        { subscriber_id: String(contact.id), created_by: '9' },
      ]);
    });

    test('nobody logged in → "Current Subscriber could not be found"', async () => {
      await expectRejected({ event_key: 'k', title: 'T' }, 'subscriber_not_found', 'Current Subscriber could not be found');
      await expectRejected({ event_key: 'k', title: 'T', email: '' }, 'subscriber_not_found', 'Current Subscriber could not be found');
    });

    test('an acting user without a contact → "Current Subscriber could not be found"', async () => {
      await createContact(t.rt);
      const error = await t.rt.runAs({ userId: 31337 }, () => track({ event_key: 'k', title: 'T' })).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'subscriber_not_found', message: 'Current Subscriber could not be found' });
    });

    test('runAs rejects a malformed user', () => {
      expect(() => t.rt.runAs({ userId: -1 }, () => 1)).toThrow(TypeError);
      expect(() => t.rt.runAs({ email: 5 as never }, () => 1)).toThrow(TypeError);
    });
  });
});
