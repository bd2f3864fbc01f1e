/**
 * Case-insensitive ordering of caseExact=false strings that have no `_ci` shadow (RFC 7644 §3.4.2.2: gt/ge/lt/le
 * "SHALL" respect caseExact; §3.4.2.3: sorting likewise), in a form that the embedded store (mingo, JavaScript
 * regexes) and MongoDB (PCRE) execute identically.
 *
 * The fold is ASCII only (A–Z → a–z): it is what MongoDB's `$toLower` does (its documentation: "only has a
 * well-defined behavior for strings of ASCII characters"; non-ASCII letters are left as they are, SERVER-32141),
 * and the Mongo adapter computes case-insensitive sort keys with `$toLower`. Other characters compare by code
 * point. (The `_ci` shadows of userName, displayName and emails are lower-cased fully at write time; being data,
 * they are the same in both adapters.)
 */
/** Lower-cases ASCII letters only, as MongoDB's `$toLower` does. */
export function foldAsciiCase(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/**
 * The longest value an ordering pattern is built for: the pattern nests one group per character, and PCRE
 * refuses more than 250 nested parentheses (PARENS_NEST_LIMIT).
 */
export const MAX_FOLDED_ORDER_LENGTH = 200;

type Range = [number, number];

const A_UPPER = 0x41;
const Z_UPPER = 0x5a;
const CASE_OFFSET = 0x20;
const SURROGATES: Range = [0xd800, 0xdfff];
/** Any one character (a single code unit in JavaScript, a code point in PCRE: either is enough here). */
const ANY = '[\\s\\S]';
/** End of the subject. `$` would also match before a final newline in PCRE. */
const END = `(?!${ANY})`;
/** Matches nothing, in both engines. */
const NOTHING = '[^\\s\\S]';

function subtract(ranges: Range[], [lo, hi]: Range): Range[] {
  const out: Range[] = [];
  for (const [a, b] of ranges) {
    if (b < lo || a > hi) {
      out.push([a, b]);
      continue;
    }
    if (a < lo) out.push([a, lo - 1]);
    if (b > hi) out.push([hi + 1, b]);
  }
  return out;
}

/**
 * The BMP characters x with fold(x) ≤ bound, without the surrogate range: PCRE never sees surrogates (UTF-8
 * subjects), and leaving them out of JavaScript classes makes a character outside the BMP compare as greater than
 * every BMP character, as it does by code point in MongoDB.
 */
function foldedAtMost(bound: number): Range[] {
  if (bound < 0) return [];
  let ranges = subtract([[0, Math.min(bound, 0xffff)]], [A_UPPER, Z_UPPER]);
  const lastUpper = Math.min(Z_UPPER, bound - CASE_OFFSET);
  if (lastUpper >= A_UPPER) ranges.push([A_UPPER, lastUpper]);
  ranges = subtract(ranges, SURROGATES);
  return ranges.sort((x, y) => x[0] - y[0]);
}

/** A character literal inside a class: `\x00` for NUL (MongoDB refuses raw NUL), class metacharacters escaped. */
function classChar(code: number): string {
  if (code === 0) return '\\x00';
  const char = String.fromCharCode(code);
  return /[\\\]^[-]/.test(char) ? `\\${char}` : char;
}

function classBody(ranges: Range[]): string {
  return ranges.map(([a, b]) => (a === b ? classChar(a) : `${classChar(a)}-${classChar(b)}`)).join('');
}

/** One character x with fold(x) > c. */
function greaterThan(c: number): string {
  // The complement is never empty (it holds c itself, c being folded); a negated class also matches any
  // character outside the BMP, which is greater than c by code point.
  return `[^${classBody(foldedAtMost(c))}]`;
}

/** One character x with fold(x) < c, or undefined when there is none. */
function lessThan(c: number): string | undefined {
  const ranges = foldedAtMost(c - 1);
  return ranges.length > 0 ? `[${classBody(ranges)}]` : undefined;
}

/** One character x with fold(x) = c (c folded). */
function equalTo(c: number): string {
  const char = String.fromCharCode(c);
  if (c >= A_UPPER + CASE_OFFSET && c <= Z_UPPER + CASE_OFFSET) {
    return `[${char}${String.fromCharCode(c - CASE_OFFSET)}]`;
  }
  if (c === 0) return '\\x00';
  // The same escaping as escapeRegex in filter.compiler.ts (not imported: that module imports this one).
  return /[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char;
}

/**
 * A regex (no flags) that matches a string s exactly when `fold(s) op fold(value)` holds, strings comparing by
 * code point. Undefined when it cannot be built identically for both engines: a value with characters outside
 * the BMP (a JavaScript class without the `u` flag cannot hold them) or longer than MAX_FOLDED_ORDER_LENGTH.
 *
 * Why a regex and not `$expr` with `$toLower`: a regex also works inside `$elemMatch` and on multi-valued
 * attributes (any element), mingo runs it as a native RegExp (`$expr` is some 30 times slower there), and
 * mingo's `$toLower` folds all of Unicode where MongoDB's folds ASCII only. The pattern uses no `i` flag, so
 * case-insensitivity does not depend on either engine's case tables.
 *
 * Shape, for value v of length n: at the first position k where the subject's folded character differs from
 * v[k], it must be greater (gt/ge) or smaller (lt/le); if there is none, the lengths decide. Nested so that
 * the pattern grows linearly: `^(?:G0|E0(?:G1|E1(?:…)))`.
 */
export function foldedOrderPattern(op: 'gt' | 'ge' | 'lt' | 'le', value: string): string | undefined {
  if (value.length > MAX_FOLDED_ORDER_LENGTH || /[\ud800-\udfff]/.test(value)) return undefined;
  const codes = [...foldAsciiCase(value)].map((ch) => ch.charCodeAt(0));
  const n = codes.length;
  const greater = op === 'gt' || op === 'ge';
  // What must follow once the subject has matched all of v: for gt one more character, for ge anything,
  // for le the end, for lt nothing can follow (an equal string is not less).
  const afterAll = { gt: ANY, ge: '', le: END, lt: undefined }[op];
  let pattern = afterAll;
  for (let k = n - 1; k >= 0; k--) {
    const c = codes[k];
    const alternatives: string[] = [];
    if (greater) {
      alternatives.push(greaterThan(c));
    } else {
      alternatives.push(END); // the subject is a proper prefix of v: smaller
      const less = lessThan(c);
      if (less) alternatives.push(less);
    }
    if (pattern !== undefined) alternatives.push(equalTo(c) + pattern);
    pattern = `(?:${alternatives.join('|')})`;
  }
  return `^${pattern ?? NOTHING}`;
}
