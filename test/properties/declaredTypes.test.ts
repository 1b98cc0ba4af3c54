import { openTestRuntime, type TestRuntime } from '../helpers/testRuntime';

/**
 * Event definitions decide how a property filter compares: with `=` and the text "100.0", a property
 * is compared as text by the filter value's type ("100" is not "100.0"); declared `number`, it is
 * compared numerically, also when the client sent the property as text. The composition root hands
 * the definitions to the contacts API and to automation conditions.
 */
describe('declared property types in filters', () => {
  let t: TestRuntime;
  let ann: number;
  let ben: number;
  const equalsHundred = [[{ source: ['event_tracking', 'event_tracking_property'], extra_value: 'order_placed', property: 'total', operator: '=', value: '100.0' }]];
  const matches = async () => (await t.rt.api('contacts').query({ filters: equalsHundred })).data.map((c) => c.id).sort((a, b) => a - b);

  beforeAll(async () => {
    t = await openTestRuntime();
    ann = (await t.rt.api('contacts').createOrUpdate({ email: 'ann@example.com' })).id;
    ben = (await t.rt.api('contacts').createOrUpdate({ email: 'ben@example.com' })).id;
    await t.rt.api('event_tracker').track({ subscriber_id: ann, event_key: 'order_placed', title: 'Order', value: { total: '100' } });
    await t.rt.api('event_tracker').track({ subscriber_id: ben, event_key: 'order_placed', title: 'Order', value: { total: '99' } });
  });
  afterAll(() => t.close());

  test('undeclared, "100" = "100.0" is false as text; declared number, it is true, in query and checkConditions', async () => {
    expect(await matches()).toEqual([]);
    expect(await t.rt.automations.checkConditions(ann, equalsHundred)).toBe(false);

    await t.rt.api('event_definitions').put('order_placed', {
      mode: 'report',
      schema: { type: 'object', properties: { total: { type: 'number' } } },
    });
    expect(await matches()).toEqual([ann]);
    expect(await t.rt.automations.checkConditions(ann, equalsHundred)).toBe(true);
    expect(await t.rt.automations.checkConditions(ben, equalsHundred)).toBe(false);

    await t.rt.api('event_definitions').delete('order_placed');
    expect(await matches()).toEqual([]);
  });
});
