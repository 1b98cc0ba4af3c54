import { formatDateTime } from '../../src/format/dateTime';
import { contactReferenceOf, toDatabaseId } from '../../src/tracking/contactReference';
import { cutToCharacters } from '../../src/tracking/limits';

describe('formatDateTime', () => {
  const instant = new Date('2024-01-17T14:27:35.900Z');
  test('UTC by default in FluentCRM’s format', () => {
    expect(formatDateTime(instant, 'UTC')).toBe('2024-01-17 14:27:35');
  });
  test('a configured zone, including a day change and midnight', () => {
    expect(formatDateTime(instant, 'Asia/Dhaka')).toBe('2024-01-17 20:27:35');
    expect(formatDateTime(instant, 'America/Los_Angeles')).toBe('2024-01-17 06:27:35');
    expect(formatDateTime(new Date('2024-01-17T18:00:00Z'), 'Asia/Dhaka')).toBe('2024-01-18 00:00:00');
  });
  test('remembered answers never cross zones, and stay right past the memory bound', () => {
    for (let round = 0; round < 3; round++) {
      expect(formatDateTime(instant, 'UTC')).toBe('2024-01-17 14:27:35');
      expect(formatDateTime(instant, 'Asia/Dhaka')).toBe('2024-01-17 20:27:35');
    }
    const start = Date.parse('2024-01-01T00:00:00Z');
    for (let i = 0; i < 5000; i++) {
      const date = new Date(start + i * 1000);
      expect(formatDateTime(date, 'UTC')).toBe(date.toISOString().slice(0, 19).replace('T', ' '));
    }
    expect(formatDateTime(new Date(start), 'UTC')).toBe('2024-01-01 00:00:00');
  });
  test('an unknown zone throws', () => {
    expect(() => formatDateTime(instant, 'Nowhere/Else')).toThrow(RangeError);
  });
});

describe('cutToCharacters', () => {
  test('counts code points, never splits a pair', () => {
    expect(cutToCharacters('abc', 2)).toBe('ab');
    expect(cutToCharacters('😀😀😀', 2)).toBe('😀😀');
    expect(cutToCharacters('a😀', 5)).toBe('a😀');
  });
});

describe('contact identifiers', () => {
  test.each([
    [1, '1'],
    ['0042', '42'],
    ['9223372036854775807', '9223372036854775807'],
    ['9223372036854775808', null],
    [0, null],
    [-5, null],
    [1.5, null],
    ['1abc', null],
    [' 1', null],
    [true, null],
  ])('toDatabaseId(%p) → %p', (input, expected) => {
    expect(toDatabaseId(input)).toBe(expected);
  });

  test('precedence: subscriber, subscriber_id, email, user_id; absent values skipped; no fallback', () => {
    expect(contactReferenceOf({ subscriber: { id: 3 }, subscriber_id: 4 }, true)).toEqual({ kind: 'subscriberId', id: '3' });
    expect(contactReferenceOf({ subscriber: { id: 3 }, subscriber_id: 4 }, false)).toEqual({ kind: 'subscriberId', id: '4' });
    expect(contactReferenceOf({ subscriber_id: '0', email: ' A@B.co ' }, true)).toEqual({ kind: 'email', email: 'A@B.co' });
    expect(contactReferenceOf({ email: '', user_id: 9 }, true)).toEqual({ kind: 'userId', userId: '9' });
    expect(contactReferenceOf({ subscriber_id: 'x', email: 'a@b.co' }, true)).toEqual({ kind: 'unresolvable' });
    expect(contactReferenceOf({ email: ['a@b.co'] }, true)).toEqual({ kind: 'unresolvable' });
    expect(contactReferenceOf({ subscriber_id: null, email: null, user_id: false }, true)).toEqual({ kind: 'current' });
  });
});
