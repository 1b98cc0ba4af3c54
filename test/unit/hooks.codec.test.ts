import { createHooks } from '@wordpress/hooks';
import { decodeHookName, encodeHookName } from '../../hooks';

const ENGINE_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;

const TRICKY_NAMES = [
  'a/b',
  'a.b',
  'a.2fb',
  'a.2eb',
  'a-b',
  'a_b',
  'ab',
  'a//b',
  'a..b',
  '.',
  '/',
  '.u002f',
  'a.u002fb',
  '__x',
  '_x',
  '1abc',
  'all',
  'ookAdded',
  'hookAdded',
  'ookRemoved',
  'h-x',
  'a b',
  'a  b',
  ' ',
  'ñandú/acción',
  '✓',
  '😀',
  '\uD83D', // lone high surrogate
  '\uDE00', // lone low surrogate
  'tab\there',
  'new\nline',
  'fluent_crm/track_event_activity',
  'fluent_crm/track_event_activity_done',
];

/** Deterministic generator, so a failure reproduces. */
function* randomNames(count: number): Generator<string> {
  const alphabet = ['a', 'h', 'u', 'e', 'f', '0', '2', '.', '/', '-', '_', ' ', 'é', '😀', '\uD800'];
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  for (let n = 0; n < count; n++) {
    const length = 1 + (next() % 8);
    let name = '';
    for (let i = 0; i < length; i++) name += alphabet[next() % alphabet.length];
    yield name;
  }
}

describe('encodeHookName', () => {
  it('keeps PHP-style names readable', () => {
    expect(encodeHookName('fluent_crm/track_event_activity')).toBe('h-fluent_crm.2ftrack_event_activity');
    expect(encodeHookName('plain-name_1')).toBe('h-plain-name_1');
    expect(encodeHookName('a.b')).toBe('h-a.2eb');
    expect(encodeHookName('a b')).toBe('h-a.u0020b');
    expect(encodeHookName('✓')).toBe('h-.u2713');
  });

  it('answers the same for a remembered name, and past the memory bound still encodes rightly', () => {
    expect(encodeHookName('fluent_crm/x')).toBe(encodeHookName('fluent_crm/x'));
    for (let i = 0; i < 2000; i++) expect(decodeHookName(encodeHookName(`plugin/hook ${i}`))).toBe(`plugin/hook ${i}`);
    expect(() => encodeHookName('')).toThrow(TypeError); // checked before the memory is consulted
  });

  it('produces names the engine accepts', () => {
    const engine = createHooks();
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      for (const name of TRICKY_NAMES) {
        const encoded = encodeHookName(name);
        expect(encoded).toMatch(ENGINE_NAME);
        expect(encoded.startsWith('__')).toBe(false);
        engine.addAction(encoded, 'test', () => undefined);
        expect(engine.hasAction(encoded, 'test')).toBe(true);
      }
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it('never spells the engine\'s own hook names', () => {
    for (const name of [...TRICKY_NAMES, ...randomNames(500)]) {
      expect(['all', 'hookAdded', 'hookRemoved']).not.toContain(encodeHookName(name));
    }
  });

  it('is injective on tricky names and on random names', () => {
    const names = new Set([...TRICKY_NAMES, ...randomNames(3000)]);
    const byEncoding = new Map<string, string>();
    for (const name of names) {
      const encoded = encodeHookName(name);
      expect(byEncoding.get(encoded) ?? name).toBe(name);
      byEncoding.set(encoded, name);
    }
    expect(byEncoding.size).toBe(names.size);
    expect(new Set(['a/b', 'a.b', 'a.2fb', 'a-b'].map(encodeHookName)).size).toBe(4);
  });

  it.each(['', 42, null, undefined, {}])('rejects %p with a TypeError', (bad) => {
    expect(() => encodeHookName(bad as unknown as string)).toThrow(
      new TypeError('The hook name must be a non-empty string.'),
    );
  });
});

describe('decodeHookName', () => {
  it('round-trips tricky and random names', () => {
    for (const name of [...TRICKY_NAMES, ...randomNames(3000)]) {
      expect(decodeHookName(encodeHookName(name))).toBe(name);
    }
  });

  it.each([
    ['no prefix', 'fluent_crm.2fx'],
    ['prefix only', 'h-'],
    ['unknown escape', 'h-a.zz'],
    ['truncated escape', 'h-a.u00'],
    ['dangling escape', 'h-a.'],
    ['upper-case hex', 'h-a.u002Fb'],
    ['non-canonical escape for /', 'h-a.u002fb'],
    ['escaped literal character', 'h-.u0061'],
    ['unescaped space', 'h-a b'],
  ])('rejects %s', (_label, encoded) => {
    expect(() => decodeHookName(encoded)).toThrow(TypeError);
  });

  it('rejects non-strings', () => {
    expect(() => decodeHookName(7 as unknown as string)).toThrow(TypeError);
  });
});
