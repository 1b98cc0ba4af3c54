import { removeUnsafeCharacters, sanitizeTextareaField, sanitizeTextField } from '../../src/tracking/sanitize';

type Sanitizer = (input: string) => string;
const text: Sanitizer = sanitizeTextField;
const textarea: Sanitizer = sanitizeTextareaField;

// [case name, function, input, exact expected output]
const cases: Array<[string, Sanitizer, string, string]> = [
  // The project's specification, measured on WordPress.
  ['text: percent octets removed, %zz and a lone % kept', text, 'Save 20%AB today %zz 100% %2F', 'Save 20 today %zz 100%'],
  ['text: script element removed, tags stripped', text, '<script>alert(1)</script><b>Bold</b> <i>Title</i>', 'Bold Title'],
  ['text: "<" followed by a space is not a tag', text, 'a < b and c > d & e', 'a < b and c > d & e'],
  [
    'textarea: tags, script, lone "<" and octet in one value',
    textarea,
    '<p>Line1</p>\n\n\nLine2\t tab   spaces <script>alert(1)</script><b>bold</b> a < b %AB end  ',
    'Line1\n\n\nLine2\t tab spaces bold a &lt; b end',
  ],
  ['text: every whitespace run becomes one space, then trimmed', text, '  a\n\n\tb   c  ', 'a b c'],
  ['textarea: inner whitespace runs kept when no octet was removed', textarea, 'a   b\n\nc', 'a   b\n\nc'],
  ['text: only spaces', text, '   ', ''],
  ['textarea: only spaces', textarea, '   ', ''],
  ['text: empty tags', text, '<b></b>', ''],
  ['textarea: empty tags', textarea, '<b></b>', ''],
  ['text: %zz is not an octet', text, '%zz', '%zz'],
  ['text: a lone % stays', text, '%', '%'],
  ['text: octets of either case removed', text, '%2f%2F', ''],
  ['text: an octet formed by a removal is removed too', text, '%2%41F', ''],
  ['text: NUL removed', text, 'a\u0000b', 'ab'],
  ['textarea: NUL removed', textarea, 'a\u0000b', 'ab'],
  ['text: lone high surrogate removed', text, 'x\uD800y', 'xy'],
  ['text: lone low surrogate removed', text, 'x\uDC00y', 'xy'],
  ['text: emoji kept', text, '😀', '😀'],
  ['textarea: emoji kept', textarea, '😀', '😀'],
  ['text: style element removed', text, '<style>p{}</style>Hi', 'Hi'],
  ['text: script element removed case-insensitively', text, '<SCRIPT type="x">bad()</SCRIPT>ok', 'ok'],
  ['text: quoted ">" does not close a tag', text, '<a title=">">link</a>', 'link'],
  ['text: comment removed', text, '<!-- c -->text', 'text'],

  // More WordPress behaviour.
  ['text: "<" without a later ">" is escaped', text, '1 < 2', '1 &lt; 2'],
  ['text: "<3" is escaped, not stripped', text, 'I <3 WordPress', 'I &lt;3 WordPress'],
  ['text: a lone "<"', text, '<', '&lt;'],
  ['text: a lone ">" is text', text, 'a >', 'a >'],
  ['text: only the run after an unclosed "<" is escaped', text, 'Tom & Jerry <3', 'Tom & Jerry &lt;3'],
  ['text: esc_html quotes and ampersands after "<"', text, `x < y & "z" 'w'`, 'x &lt; y &amp; &quot;z&quot; &#039;w&#039;'],
  [
    'text: esc_html keeps valid entities, in canonical form',
    text,
    'a < &amp; &copy; &bogus; &#39; &#x27; &#0; &#X41;',
    'a &lt; &amp; &copy; &amp;bogus; &#039; &#x27; &amp;#0; &#x41;',
  ],
  ['text: a "<" inside an attribute is escaped before stripping', text, '<a title="<b>">x</a>', '&lt;a title=&quot;">x'],
  ['text: "<" before a newline is escaped', text, 'a <\nb> c', 'a &lt; b> c'],
  ['textarea: "<" before a newline is escaped, newline kept', textarea, 'a <\nb> c', 'a &lt;\nb> c'],
  ['text: a tag left open by a quote removes the rest', text, 'before <a title=">x', 'before'],
  ['text: unclosed script element: only the tag is removed', text, '<script>alert(1)', 'alert(1)'],
  ['text: script closed by another element name is not removed', text, '<script>a</style>b</script>c', 'c'],
  ['text: two script elements', text, '<script>a</script>x<script>b</script>', 'x'],
  ['text: unclosed comment is escaped', text, 'x <!-- unclosed', 'x &lt;!-- unclosed'],
  ['text: ">" inside a comment', text, '<!-- a > b -->text', 'text'],
  ['text: doctype removed', text, '<!DOCTYPE html><p>Hi</p>', 'Hi'],
  ['text: PHP block removed, quoted ">" included', text, "<?php echo 'a>b'; ?>after", 'after'],
  ['text: no space added between paragraphs', text, '<p>One</p><p>Two</p>', 'OneTwo'],
  ['text: octet right after a tag', text, '<b>bold</b>%20text', 'boldtext'],
  ['text: %25 is an octet too', text, '100%25', '100'],
  ['text: spaces left by octets are folded and trimmed', text, '50% off %41%42', '50% off'],
  ['textarea: after an octet only spaces are folded', textarea, 'a  b\n\n%41c\t\tend', 'a b\n\nc\t\tend'],
  ['text: CRLF becomes a space', text, 'Line1\r\nLine2', 'Line1 Line2'],
  ['textarea: CRLF kept', textarea, 'Line1\r\nLine2', 'Line1\r\nLine2'],
  ['text: PHP trim does not remove non-breaking spaces', text, '\u00A0a\u00A0', '\u00A0a\u00A0'],
  ['text: PHP trim removes vertical tabs', text, '\u000Ba\u000B', 'a'],
  ['text: NUL inside a tag', text, '<b\u0000>x</b>', 'x'],
];

test.each(cases)('%s', (_name, sanitize, input, expected) => {
  expect(sanitize(input)).toBe(expected);
});

test.each<[string, string, string]>([
  ['NUL removed', 'a\u0000b', 'ab'],
  ['lone high surrogate removed', 'x\uD800y', 'xy'],
  ['lone low surrogate removed', 'x\uDC00y', 'xy'],
  ['high surrogate at the end removed', 'x\uD800', 'x'],
  ['only the unpaired one of two high surrogates removed', '\uD800\uD800\uDC00', '\uD800\uDC00'],
  ['low then high surrogate: both removed', '\uDC00\uD800', ''],
  ['emoji kept', 'a\u0000😀b', 'a😀b'],
  ['tags and percent signs untouched', '<b>%41</b>', '<b>%41</b>'],
])('removeUnsafeCharacters: %s', (_name, input, expected) => {
  expect(removeUnsafeCharacters(input)).toBe(expected);
});

/** Small deterministic PRNG, so that the generated cases are the same on every run. */
function randomStrings(tokens: string[], count: number, maxTokens: number): string[] {
  let seed = 12345;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: next(maxTokens + 1) }, () => tokens[next(tokens.length)]).join(''),
  );
}

test('octet removal matches WordPress loop (preg_match + str_replace) on generated strings', () => {
  const wordpress = (input: string) => {
    let s = input;
    for (let m = /%[a-f0-9]{2}/i.exec(s); m !== null; m = /%[a-f0-9]{2}/i.exec(s)) s = s.split(m[0]).join('');
    return s;
  };
  for (const input of randomStrings(['%', '%', '2', '4', '1', 'a', 'F', 'f', 'z'], 3000, 20)) {
    expect([input, sanitizeTextField(input)]).toEqual([input, wordpress(input)]);
  }
});

test('script/style removal matches WordPress regex on generated strings', () => {
  const tokens = ['<script>', '</script>', '</Script>', '<STYLE a=1>', '</style>', '<scriptx>', '<b>', 'x', 'y'];
  for (const input of randomStrings(tokens, 3000, 12)) {
    // These tokens are plain tags, so strip_tags is just "remove <…>" here.
    const expected = input.replace(/<(script|style)[^>]*?>.*?<\/\1>/gis, '').replace(/<[^>]*>/g, '');
    expect([input, sanitizeTextField(input)]).toEqual([input, expected]);
  }
});

// Inputs that make a literal translation of WordPress's regular expressions backtrack quadratically
// (seconds to minutes at this size); here they must stay linear. Jest cannot time out a synchronous
// test, and a wall-clock bound depends on the machine, so the assertion is on growth: eight times the
// input may take about eight times as long (linear), never sixty-four (quadratic); the bound, 24, sits
// far from both, because a loaded machine measured 11× for 4× the input once. Runs of both sizes
// alternate, and the fastest run of each counts: load from other processes only ever adds time.
test.each<[string, Sanitizer, (n: number) => string, (n: number) => string, number]>([
  ['many unclosed script tags', text, (n) => '<script>'.repeat(n), () => '', 64_000],
  ['long inner space run (trim)', textarea, (n) => `a${' '.repeat(n)}b`, (n) => `a${' '.repeat(n)}b`, 4_000_000],
  ['deeply nested octets', text, (n) => '%'.repeat(n) + '41'.repeat(n), () => '', 64_000],
  ['many lone "<"', text, (n) => '<a'.repeat(n), (n) => '&lt;a'.repeat(n), 50_000],
])('large input stays linear: %s', (_name, sanitize, input, expected, n) => {
  expect(sanitize(input(8 * n)) === expected(8 * n)).toBe(true);
  expect(growthRatio(sanitize, input(n), input(8 * n))).toBeLessThan(24);
});

/** fastest time(large) / fastest time(small), small and large measured alternately after a warm-up. */
function growthRatio(sanitize: Sanitizer, small: string, large: string): number {
  const time = (input: string): number => {
    const started = process.hrtime.bigint();
    sanitize(input);
    return Number(process.hrtime.bigint() - started);
  };
  time(small);
  time(large);
  const smallTimes: number[] = [];
  const largeTimes: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    smallTimes.push(time(small));
    largeTimes.push(time(large));
  }
  return Math.min(...largeTimes) / Math.min(...smallTimes);
}
