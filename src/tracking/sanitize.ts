/**
 * WordPress's `sanitize_text_field()` and `sanitize_textarea_field()` (both are
 * `_sanitize_text_fields($str, $keep_newlines)` in wp-includes/formatting.php) for JavaScript strings.
 *
 * The steps follow WordPress one by one. Where a literal translation of WordPress's regular
 * expressions would backtrack quadratically on hostile input (values can be ~250k characters long),
 * the step is written as a linear scan that gives the same result.
 */

/** Lone UTF-16 surrogates (a high one not followed by a low one, a low one not preceded by a high one) and NUL. */
const UNSAFE_CHARACTERS = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Removes NUL characters and lone UTF-16 surrogates; valid surrogate pairs (emoji…) are kept.
 *
 * This stands in for WordPress's `wp_check_invalid_utf8()`: a lone surrogate is what invalid UTF-8
 * becomes in a JavaScript string, and PostgreSQL rejects NUL in text columns.
 */
export function removeUnsafeCharacters(input: string): string {
  return input.replace(UNSAFE_CHARACTERS, '');
}

/** `sanitize_text_field()`: strips tags, folds every run of whitespace into one space, drops %XX octets. */
export function sanitizeTextField(input: string): string {
  return sanitizeTextFields(input, false);
}

/** `sanitize_textarea_field()`: as {@link sanitizeTextField}, but newlines, tabs and space runs are kept. */
export function sanitizeTextareaField(input: string): string {
  return sanitizeTextFields(input, true);
}

/** WordPress's `_sanitize_text_fields()`. */
function sanitizeTextFields(input: string, keepNewlines: boolean): string {
  let text = removeUnsafeCharacters(input);
  if (text.includes('<')) {
    text = preKsesLessThan(text);
    text = stripAllTags(text);
    // strip_tags() keeps a '<' that is followed by whitespace; WordPress escapes it before a newline.
    text = text.replaceAll('<\n', '&lt;\n');
  }
  if (!keepNewlines) text = text.replace(/[\r\n\t ]+/g, ' ');
  text = phpTrim(text);

  const withoutOctets = removePercentOctets(text);
  // WordPress tidies the spaces only when it removed an octet (a removal always shortens the text).
  if (withoutOctets !== text) text = phpTrim(withoutOctets.replace(/ +/g, ' '));
  return text;
}

/**
 * `wp_pre_kses_less_than()`: a '<' that does not start a tag — its run up to the next '<' or the end
 * holds no '>' — is HTML-escaped so that strip_tags() will not eat the text after it.
 *
 * (PCRE's `$` also matches before a final "\n", JavaScript's only at the very end; the result is the
 * same because esc_html leaves "\n" alone.)
 */
function preKsesLessThan(text: string): string {
  return text.replace(/<[^>]*?(?:(?=<)|>|$)/g, (run) => (run.includes('>') ? run : escHtml(run)));
}

/** `wp_strip_all_tags($text, false)`. */
function stripAllTags(text: string): string {
  return phpTrim(stripTags(removeScriptAndStyleElements(text)));
}

/**
 * `preg_replace('@<(script|style)[^>]*?>.*?</\1>@si', '', $text)`: removes script and style elements
 * with their content.
 *
 * Written as a scan because the regular expression rescans to the end of the text for every opening
 * tag that has no closing tag, which is quadratic. Every search below starts at or after the previous
 * one, so each search's answer can be reused until the scan passes it (see {@link forwardSearch}).
 */
function removeScriptAndStyleElements(text: string): string {
  const opening = /<(script|style)/gi;
  const nextGreaterThan = forwardSearch(text, />/g);
  const nextClosing = {
    script: forwardSearch(text, /<\/script>/gi),
    style: forwardSearch(text, /<\/style>/gi),
  };
  let result = '';
  let copiedUpTo = 0;
  for (let open = opening.exec(text); open !== null; open = opening.exec(text)) {
    const name = open[1].toLowerCase() as keyof typeof nextClosing;
    // `[^>]*?>`: the opening tag ends at the first '>'; `.*?</\1>`: the element at the first closing tag.
    const tagEnd = nextGreaterThan(opening.lastIndex);
    if (tagEnd === -1) break; // no '>' left: no later opening tag can match either
    const closing = nextClosing[name](tagEnd + 1);
    if (closing === -1) continue; // no match here; the regex would go on trying at later positions
    result += text.slice(copiedUpTo, open.index);
    copiedUpTo = closing + name.length + 3; // past "</name>"
    opening.lastIndex = copiedUpTo;
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

/**
 * Returns a function giving the index of the first match of `pattern` (a global regex) at or after
 * `from`, or -1. Valid only for non-decreasing `from`: the last answer is reused while it is still
 * ahead of `from`, and a "not found" stays true for any later start, so the text is scanned once.
 */
function forwardSearch(text: string, pattern: RegExp): (from: number) => number {
  let found = -2; // -2: nothing searched yet
  return (from) => {
    if (found === -1 || found >= from) return found;
    pattern.lastIndex = from;
    found = pattern.exec(text)?.index ?? -1;
    return found;
  };
}

/** C's isspace() in the "C" locale, which PHP's strip_tags() uses to test the character after '<'. */
function isCSpace(c: string | undefined): boolean {
  return c !== undefined && ' \t\n\v\f\r'.includes(c);
}

/**
 * PHP's `strip_tags($text)` (no allowed tags), a port of the state machine in ext/standard/string.c.
 *
 * - A '<' followed by whitespace is text; any other '<' opens a tag that ends at its '>'. Inside a tag
 *   a quoted '>' does not close it, and a further '<' (not followed by whitespace) needs a '>' of its own.
 * - `<!-- … -->` is removed whole; other `<!…>` declarations end at their first unquoted '>'.
 * - `<?…?>` ends at a '?>' outside quotes and parentheses (PHP's quote tracking there is simplified).
 * - A tag still open at the end removes the rest of the text. NUL is dropped; a stray '>' is text.
 */
function stripTags(text: string): string {
  type State = 'text' | 'tag' | 'declaration' | 'comment' | 'processingInstruction';
  let state: State = 'text';
  let quote = ''; // the quote character open inside a tag, '' for none
  let depth = 0; // nested '<' inside a tag that still wait for their '>'
  let parens = 0; // '(' minus ')' inside `<?…?>`
  let result = '';

  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const previous = i > 0 ? text[i - 1] : '';
    switch (state) {
      case 'text':
        if (c === '<' && !isCSpace(text[i + 1])) state = 'tag';
        else if (c !== '\u0000') result += c;
        break;

      case 'tag':
        if (c === '<') {
          if (!quote && !isCSpace(text[i + 1])) depth++;
        } else if (c === '>') {
          if (depth > 0) depth--;
          else if (!quote) state = 'text';
        } else if (c === '"' || c === "'") {
          if (!quote) quote = c;
          else if (c === quote) quote = '';
        } else if (c === '!' && previous === '<') {
          state = 'declaration';
        } else if (c === '?' && previous === '<') {
          state = 'processingInstruction';
          parens = 0;
        }
        break;

      case 'declaration':
        if (c === '>') {
          if (depth > 0) depth--;
          else if (!quote) state = 'text';
        } else if ((c === '"' || c === "'") && previous !== '\\') {
          if (!quote) quote = c;
          else if (c === quote) quote = '';
        } else if (c === '-' && previous === '-' && text[i - 2] === '!') {
          state = 'comment'; // "<!--"
        } else if ((c === 'e' || c === 'E') && i >= 6 && /^doctyp$/i.test(text.slice(i - 6, i))) {
          state = 'tag'; // PHP treats <!DOCTYPE …> as an ordinary tag
        }
        break;

      case 'comment':
        if (c === '>' && previous === '-' && text[i - 2] === '-') state = 'text';
        break;

      case 'processingInstruction':
        if (c === '>') {
          if (depth > 0) depth--;
          else if (!quote && parens === 0 && previous === '?') state = 'text';
        } else if ((c === '"' || c === "'") && previous !== '\\') {
          if (!quote) quote = c;
          else if (c === quote) quote = '';
        } else if (!quote && c === '(') {
          parens++;
        } else if (!quote && c === ')') {
          parens--;
        }
        break;
    }
    // Every way back to text leaves the tag's quote behind, as PHP does.
    if (state === 'text') quote = '';
  }
  return result;
}

/** PHP's trim(): only " \t\n\r\0\x0B", unlike String.prototype.trim(). A loop, because `/[…]+$/` is quadratic. */
function phpTrim(text: string): string {
  const isTrimmed = (c: string) => ' \t\n\r\u0000\u000B'.includes(c);
  let start = 0;
  let end = text.length;
  while (start < end && isTrimmed(text[start])) start++;
  while (end > start && isTrimmed(text[end - 1])) end--;
  return text.slice(start, end);
}

const HEX_DIGIT = /^[0-9a-f]$/i;

/**
 * Removes percent-encoded octets (`%` and two hex digits) until none is left, as WordPress's loop does:
 * removing one can form another ("%2%41F" → "%2F" → "").
 *
 * Two octets can never overlap (a hex digit is not '%'), so the order of the removals does not change
 * the final text. One left-to-right pass therefore suffices: keep the characters on a stack and drop
 * the top three whenever they form an octet — including octets formed by an earlier drop. This is
 * linear where WordPress's preg_match/str_replace loop is quadratic.
 */
function removePercentOctets(text: string): string {
  if (!/%[0-9a-f]{2}/i.test(text)) return text;
  const kept: string[] = [];
  for (const c of text) {
    kept.push(c);
    const n = kept.length;
    if (n >= 3 && kept[n - 3] === '%' && HEX_DIGIT.test(kept[n - 2]) && HEX_DIGIT.test(kept[n - 1])) {
      kept.length = n - 3;
    }
  }
  return kept.join('');
}

/**
 * `esc_html()`: `& < > " '` as entities, except that an '&' which already starts a valid entity is kept
 * (WordPress's wp_kses_normalize_entities() followed by htmlspecialchars() without double encoding).
 */
function escHtml(text: string): string {
  return normalizeEntities(text).replace(/[<>"']/g, (c) => SPECIAL_CHARACTER_ENTITIES[c]);
}

const SPECIAL_CHARACTER_ENTITIES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#039;',
};

/**
 * `wp_kses_normalize_entities()`: every '&' becomes "&amp;", then the ones that started a known named
 * entity or a numeric entity of a valid code point are restored. Numeric entities come out in
 * WordPress's canonical form: decimal padded to three digits (&#39; → &#039;), hex without leading
 * zeros and with a lowercase x.
 */
function normalizeEntities(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replace(/&amp;([A-Za-z]{2,8}[0-9]{0,2});/g, (entity, name: string) =>
      HTML4_ENTITY_NAMES.has(name) ? `&${name};` : entity,
    )
    .replace(/&amp;#(0*[0-9]{1,7});/g, (entity, digits: string) =>
      isValidCodePoint(Number.parseInt(digits, 10)) ? `&#${stripLeadingZeros(digits).padStart(3, '0')};` : entity,
    )
    .replace(/&amp;#[Xx](0*[0-9A-Fa-f]{1,6});/g, (_entity, hex: string) =>
      isValidCodePoint(Number.parseInt(hex, 16)) ? `&#x${stripLeadingZeros(hex)};` : `&amp;#x${hex};`,
    );
}

function stripLeadingZeros(digits: string): string {
  return digits.replace(/^0+/, '');
}

/** WordPress's valid_unicode(): the code points XML allows. */
function isValidCodePoint(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/**
 * The 252 named character references of HTML 4.01. WordPress restores the names it allows and PHP's
 * htmlspecialchars() then re-encodes any name outside its HTML 4.01 table, so this is the set that
 * survives both.
 */
const HTML4_ENTITY_NAMES: ReadonlySet<string> = new Set(
  [
    // ISO 8859-1
    'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn',
    'sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest',
    'Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc',
    'Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN',
    'szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute',
    'icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml',
    'yacute thorn yuml',
    // Symbols, mathematical symbols and Greek letters
    'fnof Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho',
    'Sigma Tau Upsilon Phi Chi Psi Omega alpha beta gamma delta epsilon zeta eta theta iota kappa',
    'lambda mu nu xi omicron pi rho sigmaf sigma tau upsilon phi chi psi omega thetasym upsih piv',
    'bull hellip prime Prime oline frasl weierp image real trade alefsym larr uarr rarr darr harr',
    'crarr lArr uArr rArr dArr hArr forall part exist empty nabla isin notin ni prod sum minus lowast',
    'radic prop infin ang and or cap cup int there4 sim cong asymp ne equiv le ge sub sup nsub sube',
    'supe oplus otimes perp sdot lceil rceil lfloor rfloor lang rang loz spades clubs hearts diams',
    // Markup-significant and internationalisation characters
    'quot amp lt gt OElig oelig Scaron scaron Yuml circ tilde ensp emsp thinsp zwnj zwj lrm rlm',
    'ndash mdash lsquo rsquo sbquo ldquo rdquo bdquo dagger Dagger permil lsaquo rsaquo euro',
  ]
    .join(' ')
    .split(' '),
);
