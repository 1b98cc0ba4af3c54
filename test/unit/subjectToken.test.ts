import fc from 'fast-check';
import { decodeSubjectToken, doneActionSubject, encodeSubjectToken } from '../../src/relay/subjectToken';

// Any event key must become exactly one valid NATS subject token, and come back unchanged.
describe('event keys as subject tokens', () => {
  test('documented examples', () => {
    expect(encodeSubjectToken('order_paid-2')).toBe('order_paid-2');
    expect(encodeSubjectToken('order.paid')).toBe('order~2Epaid');
    expect(encodeSubjectToken('a b*>~')).toBe('a~20b~2A~3E~7E');
    expect(encodeSubjectToken('é')).toBe('~C3~A9');
    expect(doneActionSubject('fcrm.events', 'order.paid')).toBe('fcrm.events.order~2Epaid');
  });

  test('round trip, and only token-safe characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (key) => {
        const token = encodeSubjectToken(key);
        expect(token).toMatch(/^[A-Za-z0-9_~-]+$/);
        expect(decodeSubjectToken(token)).toBe(key);
      }),
    );
  });

  test('distinct keys give distinct tokens', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1 }), (a, b) => {
        fc.pre(a !== b);
        expect(encodeSubjectToken(a)).not.toBe(encodeSubjectToken(b));
      }),
    );
  });

  test('a token that no key encodes to is refused', () => {
    for (const bad of ['a.b', '~2', '~zz', 'a b', '']) expect(() => decodeSubjectToken(bad)).toThrow(TypeError);
  });
});
