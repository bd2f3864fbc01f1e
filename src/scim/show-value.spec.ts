import { showValue } from './show-value';

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

describe(showValue.name, () => {
  it.each([
    ['a string, JSON-quoted', 'abc', '"abc"'],
    ['a number', 42, '42'],
    ['a boolean', true, 'true'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['an empty object', {}, '{}'],
    ['an empty array', [], '[]'],
    ['a flat object', { value: 'x', primary: true }, '{"value":"x","primary":true}'],
    ['nested members as […] and {…}', { a: [1], b: { c: 1 } }, '{"a":[…],"b":{…}}'],
    ['an array of scalars', [1, 'two', null], '[1,"two",null]'],
  ])('shows %s', (_label, raw, shown) => {
    expect(showValue(raw)).toBe(shown);
  });

  it('shows a value nested 100,000 levels deep without throwing', () => {
    expect(showValue(nested(100_000))).toMatch(/^(\[…\]|\{"a":\[…\]\})$/);
  });

  it('never says [object Object]', () => {
    expect(showValue(Object.create(null) as object)).toBe('{}');
    expect(showValue([{ a: 1 }])).toBe('[{…}]');
  });

  it('cuts long strings and wide collections to the limit', () => {
    expect(showValue('x'.repeat(1_000_000), 10)).toBe('"xxxxxxxxx…');
    const wide = Array.from({ length: 100_000 }, (_, i) => i);
    expect(showValue(wide)).toBe('[0,1,2,3,4,5,6,7,…]');
  });
});
