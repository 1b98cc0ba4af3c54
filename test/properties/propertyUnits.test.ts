import fc from 'fast-check';
import { parseFilterGroups } from '../../src/filters';
import { compareDecimal } from '../../src/properties/decimal';
import { formatPropertyPath, parsePropertyPath, valueAtPath } from '../../src/properties/propertyPath';
import { isStructuredObjectText, structuredJson } from '../../src/properties/structuredValue';
import { normalizeValue } from '../../src/tracking/normalizeValue';

describe('property paths', () => {
  test.each([
    ['order.total', ['order', 'total']],
    ['items.0.sku', ['items', '0', 'sku']],
    ['a\\.b', ['a.b']],
    ['a\\\\.b', ['a\\', 'b']],
    ['x', ['x']],
  ])('%s → %j', (text, segments) => {
    expect(parsePropertyPath(text)).toEqual(segments);
    expect(formatPropertyPath(segments)).toBe(text);
  });

  test.each(['', '.', 'a.', '.a', 'a..b', 'a\\b', 'a\\', 'a.b.c.d.e.f.g.h.i.j.k', 'x'.repeat(501)])('%j is malformed', (text) => {
    expect(parsePropertyPath(text)).toBeNull();
  });

  test('format then parse gives the segments back', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 10 }), (segments) => {
        expect(parsePropertyPath(formatPropertyPath(segments))).toEqual(segments);
      }),
    );
  });

  test("values are found as PostgreSQL's #> finds them", () => {
    const root = { a: [10, 20, { b: null }], 'c.d': 1 };
    expect(valueAtPath(root, ['a', '1'])).toBe(20);
    expect(valueAtPath(root, ['a', '-1', 'b'])).toBeNull();
    expect(valueAtPath(root, ['a', ' +0'])).toBe(10);
    expect(valueAtPath(root, ['a', '3'])).toBeUndefined();
    expect(valueAtPath(root, ['a', 'x'])).toBeUndefined();
    expect(valueAtPath(root, ['c.d'])).toBe(1);
    expect(valueAtPath(root, ['toString'])).toBeUndefined();
  });
});

describe('exact decimal comparison', () => {
  test.each([
    ['1', '1.0', 0],
    ['-0', '0', 0],
    ['100.0000000000000001', '100', 1],
    ['1e+21', '999999999999999999999', 1],
    ['.5', '0.50', 0],
    ['-2', '-10', 1],
    ['5e-324', '0', 1],
    ['+.5e3', '500', 0],
    ['-18', '-18', 0],
  ] as const)('%s vs %s → %d', (a, b, expected) => {
    expect(compareDecimal(a, b)).toBe(expected);
    expect(compareDecimal(b, a)).toBe(-expected || 0);
  });

  test('agrees with JavaScript numbers where those are exact (integers)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (a, b) => {
        expect(compareDecimal(String(a), String(b))).toBe(Math.sign(a - b) || 0);
      }),
    );
  });
});

describe('structured values (value_json)', () => {
  test.each([
    ['{"a":1}', { a: 1 }],
    ['[1,"x"]', [1, 'x']],
    ['{ "a": 1 }', undefined], // not canonical
    ['{"a":"\\u0000"}', undefined], // jsonb refuses NUL
    ['{"a":"\\ud800"}', undefined], // and lone surrogates
    ['100', undefined],
    ['"text"', undefined],
    ['{not json', undefined],
    [`${'['.repeat(65)}${']'.repeat(65)}`, undefined], // deeper than 64
    [`${'['.repeat(64)}${']'.repeat(64)}`, expect.any(Array)],
  ])('%s → %j', (text, expected) => {
    expect(structuredJson(text)).toEqual(expected);
  });
});

describe("the tracker's shortcut for object values", () => {
  test('isStructuredObjectText(normalizeValue(object)) answers as structuredJson does, on random objects and arrays', () => {
    const deep = fc.letrec((tie) => ({ node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.jsonValue({ maxDepth: 2 }), fc.array(tie('node'), { maxLength: 2 })) })).node;
    const nested = (depth: number): unknown => (depth === 0 ? 1 : [nested(depth - 1)]);
    fc.assert(
      fc.property(fc.oneof(fc.object(), fc.array(fc.jsonValue()), deep, fc.constantFrom(nested(64), nested(65), { a: nested(70) }, ['\u0000', 'a\ud800b'])), (value) => {
        if (typeof value !== 'object' || value === null) return;
        let text: string;
        try {
          text = normalizeValue(value);
        } catch {
          return; // too long or not encodable: never written
        }
        expect(isStructuredObjectText(text)).toBe(structuredJson(text) !== undefined);
      }),
      // A fixed seed, as the hostile suite's (FCRM_HOSTILE_SEED explores others); this one found that a
      // string holding "\\UDA" was taken for a \u escape by structuredJson.
      { numRuns: 500, seed: Number(process.env.FCRM_HOSTILE_SEED ?? 626695683) },
    );
    expect(isStructuredObjectText(normalizeValue([{ '': ['\\UDA'] }]))).toBe(true);
    expect(structuredJson(normalizeValue([{ '': ['\\UDA'] }]))).toEqual([{ '': ['\\UDA'] }]);
  });
});

describe('parsed property items parse again to themselves', () => {
  test('canonical form', () => {
    const input = [[
      { source: ['event_tracking', 'event_tracking_property'], extra_value: ' order_placed ', property: 'order.total', operator: '>', value: '100', days: '30' },
      { source: ['event_tracking', 'event_tracking_property'], extra_value: 'k', property: 'tags', operator: 'not_exists', scope: 'any' },
      { source: ['event_tracking', 'event_tracking_property'], extra_value: 'k', property: 'to', operator: 'in', value: 'pro' },
    ]];
    const parsed = parseFilterGroups(input);
    expect(parsed).toEqual([[
      { source: ['event_tracking', 'event_tracking_property'], operator: '>', extra_value: 'order_placed', property: 'order.total', value: '100', scope: 'latest', days: 30 },
      { source: ['event_tracking', 'event_tracking_property'], operator: 'not_exists', extra_value: 'k', property: 'tags', scope: 'any' },
      { source: ['event_tracking', 'event_tracking_property'], operator: 'in', extra_value: 'k', property: 'to', value: ['pro'], scope: 'latest' },
    ]]);
    expect(parseFilterGroups(JSON.stringify(parsed))).toEqual(parsed);
  });
});
