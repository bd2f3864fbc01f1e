import fc from 'fast-check';
import { Query } from 'mingo';
import { foldAsciiCase, foldedOrderPattern, MAX_FOLDED_ORDER_LENGTH } from './folded-order';

type OrderingOp = 'gt' | 'ge' | 'lt' | 'le';
const OPS: OrderingOp[] = ['gt', 'ge', 'lt', 'le'];

/** Code-point order (MongoDB's order of UTF-8 strings) of the ASCII-folded strings. */
function compareFolded(a: string, b: string): number {
  const x = [...foldAsciiCase(a)].map((c) => c.codePointAt(0)!);
  const y = [...foldAsciiCase(b)].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function expected(op: OrderingOp, subject: string, value: string): boolean {
  const order = compareFolded(subject, value);
  return { gt: order > 0, ge: order >= 0, lt: order < 0, le: order <= 0 }[op];
}

/** Characters around every boundary the pattern handles: letters of both cases and their neighbours, class
 * metacharacters, NUL, newline, non-ASCII letters (which the fold leaves alone), the BMP's end, and one
 * character outside the BMP (subjects only). */
const BMP_CHARS = [
  ...'aAbBmMnNzZyY@[\\]^_`{|}-09 .$*',
  '\0',
  '\n',
  'é',
  'É',
  'ß',
  'ø',
  'Ø',
  '\u00ff',
  '\ud7ff',
  '\ue000',
  '\uffff',
];
const bmpString = fc.array(fc.constantFrom(...BMP_CHARS), { maxLength: 6 }).map((a) => a.join(''));
const subjectString = fc.array(fc.constantFrom(...BMP_CHARS, '😀'), { maxLength: 7 }).map((a) => a.join(''));

/** The deepest nesting of parentheses in a pattern (escapes and classes skipped). */
function nestingDepth(pattern: string): number {
  let depth = 0;
  let max = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') max = Math.max(max, ++depth);
    else if (c === ')') depth--;
  }
  return max;
}

describe(foldAsciiCase.name, () => {
  it('lower-cases ASCII letters only, like MongoDB $toLower', () => {
    expect(foldAsciiCase('AbZ-Élan ØSTER')).toBe('abz-Élan Øster');
  });
});

describe(foldedOrderPattern.name, () => {
  it.each([
    ['gt', 'm', ['manager', 'Nurse', 'zebra'], ['M', 'accountant', 'Lead']],
    ['ge', 'M', ['m', 'Manager', 'nurse'], ['lead', 'L']],
    ['lt', 'm', ['', 'accountant', 'Lead', 'L'], ['m', 'M', 'manager', 'nurse']],
    ['le', 'BOB', ['bob', 'Bob', 'alice', 'Bo'], ['bobby', 'Carol']],
  ] as const)('%s %j matches %j and not %j, without regard to case', (op, value, yes, no) => {
    const sut = new RegExp(foldedOrderPattern(op, value)!);
    expect([yes.map((s) => sut.test(s)), no.map((s) => sut.test(s))]).toEqual([
      yes.map(() => true),
      no.map(() => false),
    ]);
  });

  it('is the ASCII-folded code-point order for any strings (property, JavaScript RegExp)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPS), subjectString, bmpString, (op, subject, value) => {
        const sut = new RegExp(foldedOrderPattern(op, value)!);
        expect(sut.test(subject)).toBe(expected(op, subject, value));
      }),
      { numRuns: 3000 },
    );
  });

  it('selects the same through a mingo $regex query, as the embedded store runs it (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPS), subjectString, bmpString, (op, subject, value) => {
        const sut = new Query({ title: { $regex: foldedOrderPattern(op, value) } }, {});
        expect(sut.test({ title: subject })).toBe(expected(op, subject, value));
      }),
      { numRuns: 1000 },
    );
  });

  it('handles the empty value: gt is non-empty, ge everything, lt nothing, le only ""', () => {
    const match = (op: OrderingOp) => ['', 'a'].map((s) => new RegExp(foldedOrderPattern(op, '')!).test(s));
    expect(OPS.map(match)).toEqual([
      [false, true],
      [true, true],
      [false, false],
      [true, false],
    ]);
  });

  it('never puts a raw NUL into the pattern (MongoDB rejects it)', () => {
    expect(OPS.map((op) => foldedOrderPattern(op, 'a\0b')!.includes('\0'))).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('nests one group per character, staying under the PCRE limit of 250', () => {
    const sut = foldedOrderPattern('le', 'x'.repeat(MAX_FOLDED_ORDER_LENGTH))!;
    expect(nestingDepth(sut)).toBe(MAX_FOLDED_ORDER_LENGTH + 1);
  });

  it('gives up on values that are too long or have characters outside the BMP', () => {
    expect([
      foldedOrderPattern('gt', 'x'.repeat(MAX_FOLDED_ORDER_LENGTH + 1)),
      foldedOrderPattern('gt', 'a😀'),
    ]).toEqual([undefined, undefined]);
  });
});
