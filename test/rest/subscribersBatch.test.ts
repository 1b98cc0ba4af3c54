import { json, openTestServer, type TestServer } from '../helpers/testServer';

// POST /subscribers/batch: up to 1,000 contacts with per-item results (issue 15, item 8).

describe('POST /subscribers/batch', () => {
  let s: TestServer;
  beforeAll(async () => {
    // Room for the concurrent batches of the deadlock test (the default admits 2 at once).
    s = await openTestServer({ maxConcurrentBatches: 8 });
  });
  afterAll(() => s.close());
  beforeEach(() => s.reset());

  const count = async () => (await s.sql<{ n: number }>('SELECT count(*)::int AS n FROM {schema}.fc_subscribers'))[0].n;

  test('creates and updates by e-mail, one result per item in input order; invalid items fail alone', async () => {
    const existing = await s.rt.api('contacts').createOrUpdate({ email: 'old@batch.test', first_name: 'Old', last_name: 'Name', user_id: 5 });
    const { status, body } = await s.call(
      '/subscribers/batch',
      json({
        contacts: [
          { email: 'ann@batch.test', first_name: 'Ann', last_name: 'Lee', user_id: 11, status: 'pending' },
          { email: 'OLD@batch.test', first_name: 'Renamed' },
          { first_name: 'No e-mail' },
          { email: 'not-an-email' },
          'just a string',
          { email: 'bad@batch.test', status: 'vip' },
          { email: 'ben@batch.test' },
          { email: 'Ann@Batch.test', last_name: 'Again' },
        ],
      }),
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ created: 2, updated: 2, failed: 4 });
    expect(body.results.map((r: { index: number }) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const [ann, old, noEmail, badEmail, notObject, badStatus, ben, annAgain] = body.results;
    expect(ann).toEqual({
      index: 0,
      id: expect.any(Number),
      created: true,
      contact: {
        id: ann.id,
        user_id: 11,
        email: 'ann@batch.test',
        first_name: 'Ann',
        last_name: 'Again', // item 7 has the same e-mail: every occurrence answers the merged contact
        status: 'pending',
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
        updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      },
    });
    expect(old).toMatchObject({ index: 1, id: existing.id, created: false, contact: { first_name: 'Renamed', last_name: 'Name', user_id: 5 } });
    expect(noEmail).toEqual({ index: 2, error_code: 'invalid_data', message: 'The email field is required.' });
    expect(badEmail).toEqual({ index: 3, error_code: 'invalid_data', message: 'Invalid data provided. email must be a valid email address' });
    expect(notObject).toEqual({ index: 4, error_code: 'invalid_data', message: expect.stringContaining('must be an object') });
    expect(badStatus).toEqual({ index: 5, error_code: 'invalid_data', message: expect.stringContaining('status must be one of') });
    expect(ben).toMatchObject({ index: 6, created: true, contact: { email: 'ben@batch.test', status: 'subscribed' } });
    // The same e-mail twice in one batch: merged in input order, one contact, created once.
    expect(annAgain).toMatchObject({ index: 7, id: ann.id, created: false, contact: { first_name: 'Ann', last_name: 'Again', status: 'pending' } });

    expect(await count()).toBe(3);
    expect(await s.rt.api('contacts').getContact('ann@batch.test')).toMatchObject({ last_name: 'Again', user_id: 11 });
    expect(await s.rt.api('contacts').getContact('bad@batch.test')).toBeNull();
  });

  test('status is kept when an item leaves it out, changed when it gives one; names likewise', async () => {
    await s.rt.api('contacts').createOrUpdate({ email: 'keep@batch.test', first_name: 'Kim', status: 'unsubscribed' });
    await s.rt.api('contacts').createOrUpdate({ email: 'change@batch.test', status: 'unsubscribed' });
    const { body } = await s.call('/subscribers/batch', json([{ email: 'keep@batch.test', last_name: 'Lo' }, { email: 'change@batch.test', status: 'subscribed' }]));
    expect(body.results.map((r: { contact: object }) => r.contact)).toEqual([
      expect.objectContaining({ email: 'keep@batch.test', first_name: 'Kim', last_name: 'Lo', status: 'unsubscribed' }),
      expect.objectContaining({ email: 'change@batch.test', status: 'subscribed' }),
    ]);
  });

  test('concurrent batches over the same e-mails in different orders: no deadlock, no duplicate, every item written', async () => {
    const emails = Array.from({ length: 300 }, (_, i) => `shared${i}@batch.test`);
    const shuffled = (seed: number) => [...emails].sort((a, b) => ((a.length * 31 + a.charCodeAt(6) * seed) % 97) - ((b.length * 31 + b.charCodeAt(6) * seed) % 97) || (a < b ? -seed : seed));
    const answers = await Promise.all([1, 2, 3, 4].map((seed) => s.call('/subscribers/batch', json(shuffled(seed).map((email) => ({ email, first_name: `S${seed}` }))))));
    for (const answer of answers) expect(answer).toMatchObject({ status: 200, body: { failed: 0 } });
    expect(answers.reduce((sum, answer) => sum + answer.body.created, 0)).toBe(emails.length);
    expect(await count()).toBe(emails.length);
  });

  test('a bare array works too, as for track-events; an empty one answers zeros', async () => {
    expect(await s.call('/subscribers/batch', json([{ email: 'bare@batch.test' }]))).toMatchObject({ status: 200, body: { created: 1, failed: 0 } });
    expect(await s.call('/subscribers/batch', json({ contacts: [] }))).toMatchObject({ status: 200, body: { results: [], created: 0, updated: 0, failed: 0 } });
  });

  test('1,000 contacts in one call; 1,001 is a 422 and writes nothing', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `bulk${i}@batch.test`, first_name: `N${i}` }));
    const full = await s.call('/subscribers/batch', json({ contacts: many(1000) }));
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ created: 1000, updated: 0, failed: 0 });
    expect(full.body.results[999]).toMatchObject({ index: 999, created: true, contact: { email: 'bulk999@batch.test' } });
    expect(await count()).toBe(1000);

    await s.reset();
    const over = await s.call('/subscribers/batch', json({ contacts: many(1001) }));
    expect(over).toMatchObject({
      status: 422,
      body: { error_code: 'invalid_data', message: 'Invalid data provided. Send {"contacts": [...]} or a JSON array of at most 1000 contacts' },
    });
    expect(await count()).toBe(0);
  });

  test.each([
    ['no contacts key', { email: 'x@batch.test' }],
    ['contacts not an array', { contacts: 'x@batch.test' }],
    ['no body', undefined],
  ])('%s → 422 invalid_data', async (_case, body) => {
    const init = body === undefined ? { method: 'POST' } : json(body);
    expect(await s.call('/subscribers/batch', init)).toMatchObject({ status: 422, body: { error_code: 'invalid_data' } });
  });

  test('needs fcrm_manage_contacts, like POST /subscribers', async () => {
    expect(await s.call('/subscribers/batch', { ...json([{ email: 'r@batch.test' }]), as: 'read' })).toMatchObject({ status: 403, body: { code: 'rest_forbidden' } });
    expect(await s.call('/subscribers/batch', { ...json([{ email: 'r@batch.test' }]), as: null })).toMatchObject({ status: 401, body: { code: 'rest_forbidden' } });
    expect(await count()).toBe(0);
  });

  test('a form body is a 422 (the batch is JSON), never a 500', async () => {
    const form = await s.call('/subscribers/batch', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=f@batch.test' });
    expect(form).toMatchObject({ status: 422, body: { error_code: 'invalid_data' } });
  });
});
