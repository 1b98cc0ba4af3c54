import { HOOKS } from '../../src';
import { createContact } from '../helpers/fixtures';
import { json, openTestServer, type TestServer } from '../helpers/testServer';

const ROUTE = '/subscribers/track-event';

describe('Idempotency-Key on POST /subscribers/track-event', () => {
  let s: TestServer;
  let done: Array<{ id: number; counter: number }>;
  beforeAll(async () => {
    s = await openTestServer();
    s.rt.hooks.addAction(HOOKS.TRACK_EVENT_ACTIVITY_DONE, 'test/idempotency', (event: { id: number; counter: number }) => {
      done.push({ id: event.id, counter: event.counter });
    });
  });
  afterAll(() => s.close());
  beforeEach(async () => {
    await s.reset();
    done = [];
  });

  const withKey = (body: unknown, key: string): RequestInit => {
    const init = json(body);
    return { ...init, headers: { ...(init.headers as Record<string, string>), 'idempotency-key': key } };
  };
  const counters = async () => (await s.sql<{ counter: number }>('SELECT counter FROM {schema}.fc_event_tracking ORDER BY id')).map((r) => r.counter);

  test('the same key twice: one increment, one done action, the same 200 body; the retry says Idempotent-Replayed', async () => {
    const contact = await createContact(s.rt);
    const event = { event_key: 'paid', title: 'Invoice paid', subscriber_id: contact.id };
    const first = await s.call(ROUTE, withKey(event, 'invoice-17'));
    const retry = await s.call(ROUTE, withKey(event, 'invoice-17'));
    expect(first).toMatchObject({ status: 200, body: { message: 'Event has been tracked', id: expect.any(Number) } });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    await s.rt.drain();
    expect(await counters()).toEqual([1]);
    expect(done).toEqual([{ id: first.body.id, counter: 1 }]);
    expect(await s.sql('SELECT value, idempotency_key FROM {schema}.fc_event_occurrences')).toEqual([{ value: '', idempotency_key: 'invoice-17' }]);
  });

  test('the same key with a different event → 422 idempotency_key_mismatch, nothing counted; the same event still replays', async () => {
    const contact = await createContact(s.rt);
    const event = { event_key: 'paid', title: 'Invoice paid', subscriber_id: contact.id };
    const first = await s.call(ROUTE, withKey(event, 'invoice-18'));
    const other = await s.call(ROUTE, withKey({ ...event, value: 'changed on retry' }, 'invoice-18'));
    expect(other.status).toBe(422);
    expect(other.body).toEqual({ message: expect.stringContaining('already used for a different event'), error_code: 'idempotency_key_mismatch' });
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    const retry = await s.call(ROUTE, withKey(event, 'invoice-18'));
    expect(retry).toMatchObject({ status: 200, body: first.body });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    await s.rt.drain();
    expect(await counters()).toEqual([1]);
    expect(done).toHaveLength(1);
  });

  test('20 concurrent calls with one key and different values: one 200, nineteen 422 idempotency_key_mismatch', async () => {
    const contact = await createContact(s.rt);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => s.call(ROUTE, withKey({ event_key: 'paid', title: 'Invoice paid', subscriber_id: contact.id, value: `v${i}` }, 'race'))),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 422 && r.body.error_code === 'idempotency_key_mismatch')).toHaveLength(19);
    await s.rt.drain();
    expect(await counters()).toEqual([1]);
  });

  test('in a track-events batch the item reusing a key for another event carries the error', async () => {
    const contact = await createContact(s.rt);
    const item = (value: string) => ({ event_key: 'paid', title: 'Invoice paid', subscriber_id: contact.id, idempotency_key: 'batch-key', value });
    const { status, body } = await s.call('/subscribers/track-events', json({ events: [item('a'), item('b')] }));
    expect(status).toBe(200);
    expect(body.results).toEqual([
      { index: 0, id: expect.any(Number) },
      { index: 1, error_code: 'idempotency_key_mismatch', message: expect.stringContaining('already used for a different event') },
    ]);
    expect(body).toMatchObject({ stored: 1, failed: 1 });
  });

  test('20 concurrent calls with one key: one increment, one done action, the same id in all responses', async () => {
    const contact = await createContact(s.rt);
    const event = { event_key: 'paid', title: 'Invoice paid', email: contact.email };
    await s.call(ROUTE, json(event)); // counter 1 without a key: the keyed call must add exactly one
    const responses = await Promise.all(Array.from({ length: 20 }, () => s.call(ROUTE, withKey(event, 'concurrent-key'))));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(19);
    await s.rt.drain();
    expect(await counters()).toEqual([2]);
    expect(done).toHaveLength(2);
    expect(done.map((d) => d.counter).sort()).toEqual([1, 2]);
  });

  test('different keys count separately; without a key every call counts', async () => {
    const contact = await createContact(s.rt);
    const event = { event_key: 'paid', title: 'Invoice paid', subscriber_id: contact.id };
    await s.call(ROUTE, withKey(event, 'a'));
    await s.call(ROUTE, withKey(event, 'b'));
    await s.call(ROUTE, json(event));
    await s.call(ROUTE, json(event));
    expect(await counters()).toEqual([4]);
  });

  test('the header wins over a body idempotency_key; a body key alone works as well', async () => {
    const contact = await createContact(s.rt);
    const event = { event_key: 'paid', title: 'Invoice paid', subscriber_id: contact.id };
    await s.call(ROUTE, withKey({ ...event, idempotency_key: 'from-body' }, 'from-header'));
    const replay = await s.call(ROUTE, json({ ...event, idempotency_key: 'from-header' }));
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await counters()).toEqual([1]);
    const fresh = await s.call(ROUTE, json({ ...event, idempotency_key: 'from-body' }));
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
    expect(await counters()).toEqual([2]);
  });

  test('a key is per contact: the same key for two contacts tracks both', async () => {
    const [a, b] = [await createContact(s.rt), await createContact(s.rt)];
    const first = await s.call(ROUTE, withKey({ event_key: 'k', title: 'T', subscriber_id: a.id }, 'shared'));
    const second = await s.call(ROUTE, withKey({ event_key: 'k', title: 'T', subscriber_id: b.id }, 'shared'));
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(await counters()).toEqual([1, 1]);
  });

  test('a header over 191 characters → the tracker\'s 422 invalid_data; an empty header is no key', async () => {
    const contact = await createContact(s.rt);
    const event = { event_key: 'k', title: 'T', subscriber_id: contact.id };
    const long = await s.call(ROUTE, withKey(event, 'k'.repeat(192)));
    expect(long).toMatchObject({ status: 422, body: { error_code: 'invalid_data', message: expect.stringContaining('idempotency_key') } });
    expect(await counters()).toEqual([]);
    expect((await s.call(ROUTE, withKey(event, 'k'.repeat(191)))).status).toBe(200);
    await s.call(ROUTE, withKey(event, ' '));
    await s.call(ROUTE, withKey(event, ' '));
    expect(await counters()).toEqual([3]);
  });

  test('a failed call does not use up the key: the retry after creating the contact is applied', async () => {
    const event = { event_key: 'k', title: 'T', email: 'late@example.com' };
    const failed = await s.call(ROUTE, withKey(event, 'late-1'));
    expect(failed).toMatchObject({ status: 422, body: { error_code: 'subscriber_not_found', message: 'Subscriber not found' } });
    await s.rt.api('contacts').createOrUpdate({ email: 'late@example.com' });
    const retry = await s.call(ROUTE, withKey(event, 'late-1'));
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(await counters()).toEqual([1]);
  });
});
