import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

// A batch that holds an erased contact's e-mail: that item is refused, the others are written (the
// suppression trigger would otherwise fail the whole multi-row INSERT).
describe('createOrUpdateMany and suppressed e-mails', () => {
  let t: TestRuntime;
  beforeAll(async () => {
    t = await openTestRuntime();
  });
  afterAll(() => t.close());

  test('the suppressed item answers subscriber_suppressed; the rest of the batch is stored', async () => {
    const gone = await t.rt.api('contacts').createOrUpdate({ email: 'gone@example.com' });
    await t.rt.privacy.erase(gone.id);
    const results = await t.rt.api('contacts').createOrUpdateMany([
      { email: 'new@example.com', first_name: 'New' },
      { email: 'GONE@example.com' },
      { email: 'other@example.com' },
    ]);
    expect(results.map((r) => ('error_code' in r ? r.error_code : r.created))).toEqual([true, 'subscriber_suppressed', true]);
    expect(await t.rt.api('contacts').getContact('gone@example.com')).toBeNull();
    expect(await t.rt.api('contacts').getContact('new@example.com')).toMatchObject({ first_name: 'New' });

    await t.rt.privacy.liftSuppression('gone@example.com');
    const again = await t.rt.api('contacts').createOrUpdateMany([{ email: 'gone@example.com' }]);
    expect(again[0]).toMatchObject({ index: 0, created: true });
  });
});
