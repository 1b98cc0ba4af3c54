/**
 * Exact comparison of two decimal numbers written as text (`-12.5`, `1e+21`, `.5`), as PostgreSQL's
 * numeric compares them: the in-memory checks must agree with SQL even past double precision.
 * Both texts must match the number shape of src/filters/filterNumber.ts (checked by the callers).
 */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const x = decompose(a);
  const y = decompose(b);
  if (x.digits === '' && y.digits === '') return 0; // zeros, whatever their sign
  if (x.digits === '') return y.negative ? 1 : -1;
  if (y.digits === '') return x.negative ? -1 : 1;
  if (x.negative !== y.negative) return x.negative ? -1 : 1;
  const magnitude = compareMagnitude(x, y);
  // Not -magnitude for equal negatives: that is -0, which Object.is (and a strict caller) tells from 0.
  if (magnitude === 0) return 0;
  return (x.negative ? -magnitude : magnitude) as -1 | 1;
}

/** A number as sign, significant digits (no leading or trailing zeros) and the power of ten of the first digit. */
interface Decomposed {
  negative: boolean;
  digits: string;
  exponent: number;
}

function decompose(text: string): Decomposed {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m) throw new TypeError(`not a decimal number: ${text}`);
  const whole = m[2];
  const fraction = m[3] ?? '';
  const all = whole + fraction;
  const firstNonZero = all.search(/[1-9]/);
  if (firstNonZero < 0) return { negative: false, digits: '', exponent: 0 };
  const digits = all.slice(firstNonZero).replace(/0+$/, '');
  // The first significant digit sits at 10^(whole.length - 1 - firstNonZero), shifted by the exponent.
  const exponent = whole.length - 1 - firstNonZero + Number(m[4] ?? 0);
  return { negative: m[1] === '-', digits, exponent };
}

function compareMagnitude(x: Decomposed, y: Decomposed): -1 | 0 | 1 {
  if (x.exponent !== y.exponent) return x.exponent > y.exponent ? 1 : -1;
  const length = Math.max(x.digits.length, y.digits.length);
  const xs = x.digits.padEnd(length, '0');
  const ys = y.digits.padEnd(length, '0');
  return xs === ys ? 0 : xs > ys ? 1 : -1;
}
