import { compileSchema } from '../../src/definitions/compileSchema';
import { DefinitionsSnapshot } from '../../src/definitions/definitionsSnapshot';
import { formatPropertyPath } from '../../src/definitions/propertyPath';
import { declaredPropertyType } from '../../src/definitions/propertyType';
import { valueForSchema, valueKindOf } from '../../src/definitions/valueForSchema';

const ORDER = {
  type: 'object',
  definitions: { money: { type: ['number', 'null'] } },
  properties: {
    order: {
      type: 'object',
      properties: {
        total: { $ref: '#/definitions/money' },
        count: { type: 'integer' },
        currency: { type: 'string' },
        gift: { type: 'boolean' },
        placed_at: { type: 'string', format: 'date-time' },
        ships_on: { format: 'date' },
        email: { type: 'string', format: 'email' },
        meta: { type: 'object' },
      },
    },
    items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer' } } } },
    pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] },
    'a.b': { type: 'number' },
    either: { anyOf: [{ type: 'number' }, { type: 'integer' }] },
    mixed: { oneOf: [{ type: 'number' }, { type: 'string' }] },
    both: { allOf: [{ description: 'no type here' }, { type: 'boolean' }] },
  },
};

describe('propertyType: the type a definition declares for a property path', () => {
  const snapshot = DefinitionsSnapshot.of(1n, [{ eventKey: 'Order_Placed', mode: 'report', compiled: compileSchema(ORDER), indexed: [] }]);
  const type = (path: string[], key = 'order_placed') => snapshot.propertyType(key, path);

  test.each([
    [['order', 'total'], 'number'], // a $ref, with null allowed
    [['order', 'count'], 'number'], // integer
    [['order', 'currency'], 'string'],
    [['order', 'gift'], 'boolean'],
    [['order', 'placed_at'], 'date'],
    [['order', 'ships_on'], 'date'], // a format without a type
    [['order', 'email'], 'string'],
    [['items', '0', 'sku'], 'string'],
    [['items', '7', 'qty'], 'number'],
    [['pair', '0'], 'string'],
    [['pair', '1'], 'number'],
    [['a.b'], 'number'],
    [['either'], 'number'],
    [['both'], 'boolean'],
  ])('%j → %s', (path, expected) => {
    expect(type(path)).toBe(expected);
  });

  test.each([
    [['order']], // an object
    [['order', 'meta']],
    [['items']], // an array
    [['order', 'unknown']],
    [['items', 'sku']], // not an index
    [['pair', '2']],
    [['mixed']], // the branches disagree
    [['order', 'total', 'deeper']],
    [[]],
  ])('%j → undefined', (path) => {
    expect(type(path)).toBeUndefined();
  });

  test('keys compare case-insensitively; a key without a definition has no declared types', () => {
    expect(type(['order', 'total'], 'ORDER_PLACED')).toBe('number');
    expect(type(['order', 'total'], 'other')).toBeUndefined();
    expect(DefinitionsSnapshot.empty.propertyType('order_placed', ['order', 'total'])).toBeUndefined();
  });

  test('a $ref cycle ends', () => {
    const schema = { definitions: { a: { $ref: '#/definitions/b' }, b: { $ref: '#/definitions/a' } }, properties: { x: { $ref: '#/definitions/a' } } };
    expect(declaredPropertyType(schema, ['x'])).toBeUndefined();
  });
});

describe('checking values', () => {
  test('errors name property paths in the filter notation; missing and extra properties are named themselves', () => {
    const compiled = compileSchema({
      type: 'object',
      properties: { need: {}, 'a.b': { type: 'number' }, list: { type: 'array', items: { type: 'integer' } }, 'x/y': { type: 'string' } },
      required: ['need'],
      additionalProperties: false,
    });
    expect(compiled.validate({ need: 1, 'a.b': 1, list: [1] })).toBeNull();
    expect(compiled.validate({ 'a.b': 'x', list: [1, 'two'], 'x/y': 3, extra: true })).toEqual([
      { path: 'need', message: 'is required' },
      { path: 'extra', message: 'is not allowed' },
      { path: 'a\\.b', message: 'must be number' },
      { path: 'list.1', message: 'must be integer' },
      { path: 'x/y', message: 'must be string' },
    ]);
  });

  test('at most 10 errors are listed', () => {
    const compiled = compileSchema({ type: 'array', items: { type: 'number' } });
    expect(compiled.validate(Array.from({ length: 50 }, () => 'x'))).toHaveLength(10);
  });

  test('the value checked has the type it was sent with; the stored text is what is checked', () => {
    expect(valueKindOf({ value: 5 })).toBe('number');
    expect(valueKindOf({ value: 5n })).toBe('number');
    expect(valueKindOf({ value: '5' })).toBe('string');
    expect(valueKindOf({ value: [1] })).toBe('structured');
    expect(valueKindOf({ value: null })).toBe('absent');
    expect(valueKindOf({})).toBe('absent');
    expect(valueKindOf('not an object')).toBe('absent');
    expect(valueForSchema('number', '5')).toBe(5);
    expect(valueForSchema('boolean', '1')).toBe(true);
    expect(valueForSchema('boolean', '')).toBe(false);
    expect(valueForSchema('absent', '')).toBeNull();
    expect(valueForSchema('structured', '{"a":[1]}')).toEqual({ a: [1] });
  });

  test('property paths escape dots and backslashes', () => {
    expect(formatPropertyPath(['order', 'total'])).toBe('order.total');
    expect(formatPropertyPath(['a.b', 'c'])).toBe('a\\.b.c');
    expect(formatPropertyPath(['back\\slash'])).toBe('back\\\\slash');
    expect(formatPropertyPath([])).toBe('');
  });
});
