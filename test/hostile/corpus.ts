/**
 * The hostile-input corpus: named malformed tracking inputs, generated from categories, each with the
 * outcome the README's rules give it. `expect` is what `track(data, true)` and the hook entrance must
 * do; `rest` overrides the REST answer where the transport decides first (413, 400 for __proto__).
 */

export type TrackCode = 'invalid_data' | 'subscriber_not_found' | 'value_too_long';
export type Expectation = { ok: true } | { code: TrackCode };

export interface Ctx {
  /** A contact every valid case is tracked for. */
  contactId: number;
  email: string;
}

export interface HostileCase {
  group: string;
  name: string;
  data: (ctx: Ctx) => unknown;
  expect: Expectation;
  /** The REST body as text when JSON.stringify cannot express the case (e.g. a __proto__ key). */
  restBody?: (ctx: Ctx) => string;
  /** REST statuses allowed instead of the default (200 when ok, 422 when rejected). */
  restStatus?: number[];
}

const OK: Expectation = { ok: true };
const INVALID: Expectation = { code: 'invalid_data' };
const NOT_FOUND: Expectation = { code: 'subscriber_not_found' };
const TOO_LONG: Expectation = { code: 'value_too_long' };

export const MB10 = 10 * 1024 * 1024;

/** n nested arrays around a leaf: [[[…1…]]]. */
export function deepArray(depth: number, leaf: unknown = 1): unknown {
  let node: unknown = leaf;
  for (let i = 0; i < depth; i += 1) node = [node];
  return node;
}

/** n nested objects: {a:{a:…1…}}. */
export function deepObject(depth: number): unknown {
  let node: unknown = 1;
  for (let i = 0; i < depth; i += 1) node = { a: node };
  return node;
}

export function deepArrayText(depth: number, leaf = '1'): string {
  return '['.repeat(depth) + leaf + ']'.repeat(depth);
}

export function deepObjectText(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

const base = (ctx: Ctx) => ({ event_key: 'hostile_event', title: 'Hostile Event', subscriber_id: ctx.contactId });
const noContact = () => ({ event_key: 'hostile_event', title: 'Hostile Event' });

// ---------------------------------------------------------------------------------------------
// 1. Wrong types in every field
// ---------------------------------------------------------------------------------------------

const LONG = 'L'.repeat(100_000);

const WRONG_VALUES: Array<[string, unknown]> = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['0', 0],
  ['-1', -1],
  ['1.5', 1.5],
  ['"NaN"', 'NaN'],
  ['[]', []],
  ['[1]', [1]],
  ['{}', {}],
  ['{a:1}', { a: 1 }],
  ['50-level nested array', deepArray(50)],
  ['100,000-char string', LONG],
];

type FieldRule = (label: string, value: unknown) => Expectation;

/** event_key / title: strings or finite numbers, non-empty after sanitising. */
const requiredTextRule: FieldRule = (_l, v) => (typeof v === 'string' || typeof v === 'number' ? OK : INVALID);
/** value: anything JSON-able; over 65,535 UTF-8 bytes is value_too_long. */
const valueRule: FieldRule = (_l, v) => (v === LONG ? TOO_LONG : OK);
/** provider: null is '', strings and numbers kept, anything else invalid. */
const providerRule: FieldRule = (_l, v) => (v === null || typeof v === 'string' || typeof v === 'number' ? OK : INVALID);
/** a contact reference that is absent (0, null, false, []) falls to the current contact: none here. */
const contactRule: FieldRule = () => NOT_FOUND;
/** idempotency_key: null is none; strings/numbers of 1–191 characters. */
const idempotencyRule: FieldRule = (_l, v) =>
  v === null || typeof v === 'number' || (typeof v === 'string' && v.length <= 191) ? OK : INVALID;
/** occurred_at: null is now; everything else here is not an ISO 8601 date-time. */
const occurredAtRule: FieldRule = (_l, v) => (v === null ? OK : INVALID);

const FIELDS: Array<[string, FieldRule, 'withContact' | 'alone']> = [
  ['event_key', requiredTextRule, 'withContact'],
  ['title', requiredTextRule, 'withContact'],
  ['value', valueRule, 'withContact'],
  ['provider', providerRule, 'withContact'],
  ['email', contactRule, 'alone'],
  ['user_id', contactRule, 'alone'],
  ['subscriber_id', contactRule, 'alone'],
  ['idempotency_key', idempotencyRule, 'withContact'],
  ['occurred_at', occurredAtRule, 'withContact'],
];

function wrongTypeCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const [field, rule, contact] of FIELDS) {
    for (const [label, value] of WRONG_VALUES) {
      cases.push({
        group: 'wrong types',
        name: `${field} = ${label}`,
        data: (ctx) => ({ ...(contact === 'withContact' ? base(ctx) : noContact()), [field]: value }),
        expect: rule(label, value),
      });
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// 2. Not an object at all
// ---------------------------------------------------------------------------------------------

function topLevelCases(): HostileCase[] {
  // REST: a JSON body that is not an object fails the route's schema (400 rest_invalid_param);
  // null and {} carry no parameters (422 with the required-field errors).
  const values: Array<[string, unknown, number[]]> = [
    ['null', null, [422]],
    ['a string', 'event_key=k&title=T', [400]],
    ['a number', 42, [400]],
    ['true', true, [400]],
    ['an empty array', [], [400]],
    ['an array holding a valid event', [{ event_key: 'k', title: 'T' }], [400]],
    ['an empty object', {}, [422]],
  ];
  return values.map(([label, value, restStatus]) => ({
    group: 'top level',
    name: `data is ${label}`,
    data: () => value,
    expect: INVALID,
    restStatus,
  }));
}

// ---------------------------------------------------------------------------------------------
// 3. __proto__ / constructor / prototype keys
// ---------------------------------------------------------------------------------------------

function protoCases(): HostileCase[] {
  const withKeys = (ctx: Ctx, extra: string) => `{"event_key":"proto_event","title":"Proto","subscriber_id":${ctx.contactId},${extra}}`;
  const entries: Array<[string, string, number[] | undefined]> = [
    // secure-json-parse refuses __proto__ and constructor.prototype anywhere in the body: 400.
    ['top-level __proto__ object', '"__proto__":{"isAdmin":true}', [400]],
    ['top-level __proto__ null', '"__proto__":null', [400]],
    ['__proto__ inside value', '"value":{"__proto__":{"polluted":1}}', [400]],
    ['__proto__ deep inside value', '"value":[{"a":{"__proto__":{"polluted":1}}}]', [400]],
    ['top-level constructor.prototype', '"constructor":{"prototype":{"polluted":1}}', [400]],
    ['constructor.prototype inside value', '"value":{"constructor":{"prototype":{"polluted":1}}}', [400]],
    // A plain constructor or prototype key is data.
    ['top-level constructor string', '"constructor":"x"', undefined],
    ['top-level prototype object', '"prototype":{"polluted":1}', undefined],
    ['value with a prototype key', '"value":{"prototype":1,"toString":"x","valueOf":2}', undefined],
    ['value with a hasOwnProperty key', '"value":{"hasOwnProperty":"x"}', undefined],
  ];
  return entries.map(([name, extra, restStatus]) => ({
    group: 'prototype keys',
    name,
    // JSON.parse keeps "__proto__" as an own property: the API sees what a careless host would pass.
    data: (ctx) => JSON.parse(withKeys(ctx, extra)),
    restBody: (ctx) => withKeys(ctx, extra),
    expect: OK,
    restStatus,
  }));
}

// ---------------------------------------------------------------------------------------------
// 4. NUL bytes and lone surrogates in each text field
// ---------------------------------------------------------------------------------------------

function unsafeCharacterCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  const variants: Array<[string, string, boolean]> = [
    // [label, text, only unsafe characters?]
    ['NUL inside', 'a\u0000b', false],
    ['only NUL', '\u0000', true],
    ['lone high surrogate inside', 'x\uD800y', false],
    ['lone low surrogate inside', 'x\uDC00y', false],
    ['only lone surrogates', '\uD800\uDFFF\uDC00', false],
    ['NUL and a surrogate', '\u0000\uD83D', true],
  ];
  // '\uD800\uDFFF' is a valid pair (U+103FF); the trailing \uDC00 is lone: the pair survives.
  for (const [label, text, onlyUnsafe] of variants) {
    for (const field of ['event_key', 'title']) {
      cases.push({ group: 'NUL and surrogates', name: `${field}: ${label}`, data: (ctx) => ({ ...base(ctx), [field]: text }), expect: onlyUnsafe ? INVALID : OK });
    }
    cases.push({ group: 'NUL and surrogates', name: `value: ${label}`, data: (ctx) => ({ ...base(ctx), value: text }), expect: OK });
    cases.push({ group: 'NUL and surrogates', name: `value in JSON: ${label}`, data: (ctx) => ({ ...base(ctx), value: { [text]: [text] } }), expect: OK });
    cases.push({ group: 'NUL and surrogates', name: `provider: ${label}`, data: (ctx) => ({ ...base(ctx), provider: text }), expect: OK });
    cases.push({
      group: 'NUL and surrogates',
      name: `idempotency_key: ${label}`,
      data: (ctx) => ({ ...base(ctx), idempotency_key: `${text}-${label}` }),
      expect: OK,
    });
    cases.push({ group: 'NUL and surrogates', name: `occurred_at: ${label}`, data: (ctx) => ({ ...base(ctx), occurred_at: `2026-01-01${text}` }), expect: INVALID });
    cases.push({ group: 'NUL and surrogates', name: `email: ${label} alone`, data: () => ({ ...noContact(), email: text }), expect: NOT_FOUND });
    cases.push({ group: 'NUL and surrogates', name: `subscriber_id: digits then ${label}`, data: (ctx) => ({ ...noContact(), subscriber_id: `${ctx.contactId}${text}` }), expect: NOT_FOUND });
  }
  // Unsafe characters are removed before the e-mail is compared: the contact is found.
  cases.push({ group: 'NUL and surrogates', name: 'email: the contact with a NUL appended', data: (ctx) => ({ ...noContact(), email: `${ctx.email}\u0000` }), expect: OK });
  cases.push({ group: 'NUL and surrogates', name: 'email: the contact with a lone surrogate inside', data: (ctx) => ({ ...noContact(), email: ctx.email.replace('@', '\uD800@') }), expect: OK });
  return cases;
}

// ---------------------------------------------------------------------------------------------
// 5. Sizes: 10 MB strings and bodies, values at the byte limit
// ---------------------------------------------------------------------------------------------

function sizeCases(): HostileCase[] {
  const ten = 'x'.repeat(MB10);
  return [
    { group: 'sizes', name: '10 MB value', data: (ctx) => ({ ...base(ctx), value: ten }), expect: TOO_LONG, restStatus: [413] },
    // The API cuts a title to 192 characters (documented); over REST the body is over 1 MiB first.
    { group: 'sizes', name: '10 MB title', data: (ctx) => ({ ...base(ctx), title: ten }), expect: OK, restStatus: [413] },
    { group: 'sizes', name: '10 MB event_key', data: (ctx) => ({ ...base(ctx), event_key: ten }), expect: OK, restStatus: [413] },
    { group: 'sizes', name: '10 MB provider', data: (ctx) => ({ ...base(ctx), provider: ten }), expect: OK, restStatus: [413] },
    { group: 'sizes', name: '10 MB email', data: () => ({ ...noContact(), email: `${ten}@example.com` }), expect: NOT_FOUND, restStatus: [413] },
    { group: 'sizes', name: '10 MB idempotency_key', data: (ctx) => ({ ...base(ctx), idempotency_key: ten }), expect: INVALID, restStatus: [413] },
    { group: 'sizes', name: '10 MB of an ignored field', data: (ctx) => ({ ...base(ctx), junk: ten }), expect: OK, restStatus: [413] },
    { group: 'sizes', name: 'value of 100,000 array items (JSON over the limit)', data: (ctx) => ({ ...base(ctx), value: new Array(100_000).fill(1) }), expect: TOO_LONG },
    { group: 'sizes', name: 'value of 65,535 bytes (the limit)', data: (ctx) => ({ ...base(ctx), value: 'v'.repeat(65_535) }), expect: OK },
    { group: 'sizes', name: 'value of 65,536 bytes', data: (ctx) => ({ ...base(ctx), value: 'v'.repeat(65_536) }), expect: TOO_LONG },
    { group: 'sizes', name: 'value of 21,846 euro signs (65,538 bytes)', data: (ctx) => ({ ...base(ctx), value: '€'.repeat(21_846) }), expect: TOO_LONG },
    { group: 'sizes', name: 'value of 16,384 emoji (65,536 bytes)', data: (ctx) => ({ ...base(ctx), value: '😀'.repeat(16_384) }), expect: TOO_LONG },
    { group: 'sizes', name: 'idempotency_key of 191 characters', data: (ctx) => ({ ...base(ctx), idempotency_key: 'k'.repeat(191) }), expect: OK },
    { group: 'sizes', name: 'idempotency_key of 192 characters', data: (ctx) => ({ ...base(ctx), idempotency_key: 'k'.repeat(192) }), expect: INVALID },
    { group: 'sizes', name: '1,000 extra keys', data: (ctx) => ({ ...base(ctx), ...Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])) }), expect: OK },
  ];
}

// ---------------------------------------------------------------------------------------------
// 6. Deep nesting
// ---------------------------------------------------------------------------------------------

function nestingCases(): HostileCase[] {
  const deep = (field: string, expectation: Expectation, contact: 'withContact' | 'alone' = 'withContact'): HostileCase => ({
    group: 'nesting',
    name: `${field} nested 10,000 arrays deep`,
    data: (ctx) => ({ ...(contact === 'withContact' ? base(ctx) : noContact()), [field]: deepArray(10_000) }),
    // JSON.stringify of 10,000 levels overflows the test's own stack: the body is written as text.
    restBody: (ctx) => {
      const head = JSON.stringify(contact === 'withContact' ? base(ctx) : noContact()).slice(0, -1);
      return `${head},${JSON.stringify(field)}:${deepArrayText(10_000)}}`;
    },
    expect: expectation,
  });
  return [
    { group: 'nesting', name: 'value nested 1,000 arrays deep', data: (ctx) => ({ ...base(ctx), value: deepArray(1000) }), expect: OK },
    deep('event_key', INVALID),
    deep('title', INVALID),
    deep('provider', INVALID),
    deep('email', NOT_FOUND, 'alone'),
    deep('subscriber_id', NOT_FOUND, 'alone'),
    deep('occurred_at', INVALID),
    deep('idempotency_key', INVALID),
    // A value too deep to encode is a typed invalid_data ("value is nested too deeply"), not a crash.
    ...[10_000, 100_000].flatMap((depth): HostileCase[] => [
      {
        group: 'nesting',
        name: `value nested ${depth.toLocaleString('en')} arrays deep`,
        data: (ctx) => ({ ...base(ctx), value: deepArray(depth) }),
        restBody: (ctx) => `${JSON.stringify(base(ctx)).slice(0, -1)},"value":${deepArrayText(depth)}}`,
        expect: INVALID,
      },
      {
        group: 'nesting',
        name: `value nested ${depth.toLocaleString('en')} objects deep`,
        data: (ctx) => ({ ...base(ctx), value: deepObject(depth) }),
        restBody: (ctx) => `${JSON.stringify(base(ctx)).slice(0, -1)},"value":${deepObjectText(depth)}}`,
        expect: INVALID,
      },
    ]),
    {
      group: 'nesting',
      name: 'value nested 1,000,000 arrays deep (REST body over 1 MiB)',
      data: (ctx) => ({ ...base(ctx), value: deepArray(1_000_000) }),
      restBody: (ctx) => `${JSON.stringify(base(ctx)).slice(0, -1)},"value":${deepArrayText(1_000_000)}}`,
      expect: INVALID,
      restStatus: [413],
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// 7. SQL and HTML text
// ---------------------------------------------------------------------------------------------

const SQL_TEXTS = ["'; DROP TABLE fc_event_tracking; --", '%_\\', "1' OR '1'='1", '$1::text', "\\'; SELECT pg_sleep(10); --"];
const HTML_TEXTS: Array<[string, string, boolean]> = [
  // [name, text, empty after sanitize_text_field?]
  ['a script element', '<script>alert(1)</script>', true],
  ['an img with onerror', '<img src=x onerror=alert(1)>', true],
  ['a style element', '<style>body{display:none}</style>', true],
  ['markup around text', '<b onclick="x()">bold</b>', false],
  ['a javascript: link', '<a href="javascript:alert(1)">click</a>', false],
  ['an unclosed tag', '<div', false],
];

function textCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const text of SQL_TEXTS) {
    for (const field of ['event_key', 'title', 'value', 'provider']) {
      cases.push({ group: 'SQL text', name: `${field}: ${text}`, data: (ctx) => ({ ...base(ctx), [field]: text }), expect: OK });
    }
    cases.push({ group: 'SQL text', name: `email: ${text}`, data: () => ({ ...noContact(), email: text }), expect: NOT_FOUND });
    cases.push({ group: 'SQL text', name: `subscriber_id: ${text}`, data: () => ({ ...noContact(), subscriber_id: text }), expect: NOT_FOUND });
  }
  for (const [name, text, empty] of HTML_TEXTS) {
    for (const field of ['event_key', 'title']) {
      cases.push({ group: 'HTML text', name: `${field}: ${name}`, data: (ctx) => ({ ...base(ctx), [field]: text }), expect: empty ? INVALID : OK });
    }
    cases.push({ group: 'HTML text', name: `value: ${name}`, data: (ctx) => ({ ...base(ctx), value: text }), expect: OK });
    cases.push({ group: 'HTML text', name: `provider: ${name}`, data: (ctx) => ({ ...base(ctx), provider: text }), expect: OK });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// 8. E-mails and ids
// ---------------------------------------------------------------------------------------------

function contactCases(): HostileCase[] {
  const emails = ['a@', '@b', 'a@b', 'a b@c.d', `${'l'.repeat(1000)}@example.com`, 'a@b@c.d', ' ', '\t\n', 'mailto:a@b.c', '"quoted"@example.com', '%@%', '_@_'];
  const ids: Array<[string, unknown]> = [
    ['"99999999999999999999999"', '99999999999999999999999'],
    ['"9223372036854775808" (bigint max + 1)', '9223372036854775808'],
    ['"9223372036854775807" (bigint max, no such contact)', '9223372036854775807'],
    ['-5', -5],
    ['"-5"', '-5'],
    ['"1e3"', '1e3'],
    ['1e21', 1e21],
    ['"0x10"', '0x10'],
    ['" 1"', ' 1'],
    ['"1 "', '1 '],
    ['"1.0"', '1.0'],
    ['Number.MAX_SAFE_INTEGER + 2', Number.MAX_SAFE_INTEGER + 2],
    ['"٣" (Arabic-Indic digit)', '٣'],
  ];
  const cases: HostileCase[] = [];
  for (const email of emails) {
    cases.push({ group: 'e-mails and ids', name: `email ${JSON.stringify(email.length > 40 ? `${email.slice(0, 12)}… (${email.length} chars)` : email)}`, data: () => ({ ...noContact(), email }), expect: NOT_FOUND });
  }
  for (const [label, id] of ids) {
    cases.push({ group: 'e-mails and ids', name: `subscriber_id ${label}`, data: () => ({ ...noContact(), subscriber_id: id }), expect: NOT_FOUND });
    cases.push({ group: 'e-mails and ids', name: `user_id ${label}`, data: () => ({ ...noContact(), user_id: id }), expect: NOT_FOUND });
  }
  // Documented: e-mail is trimmed and compared case-insensitively.
  cases.push({ group: 'e-mails and ids', name: 'email of the contact, upper case with spaces', data: (ctx) => ({ ...noContact(), email: `  ${ctx.email.toUpperCase()} ` }), expect: OK });
  // The first non-empty reference wins, with no fallback: a bad subscriber_id is not rescued by a good e-mail.
  cases.push({ group: 'e-mails and ids', name: 'bad subscriber_id with the contact\'s email', data: (ctx) => ({ ...noContact(), subscriber_id: '0x10', email: ctx.email }), expect: NOT_FOUND });
  return cases;
}

export function hostileCorpus(): HostileCase[] {
  const all = [
    ...wrongTypeCases(),
    ...topLevelCases(),
    ...protoCases(),
    ...unsafeCharacterCases(),
    ...sizeCases(),
    ...nestingCases(),
    ...textCases(),
    ...contactCases(),
  ];
  const names = new Set<string>();
  for (const c of all) {
    const full = `${c.group}: ${c.name}`;
    if (names.has(full)) throw new Error(`duplicate corpus name ${full}`);
    names.add(full);
  }
  return all;
}
