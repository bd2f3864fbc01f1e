import { scanJson } from './body-parsers';

describe(scanJson.name, () => {
  it.each([
    ['a flat object', '{"a":1}', 1],
    ['exactly the limit', '{"a":[[1]]}', 3],
    ['brackets inside strings', '{"a":"[[[[{{{{"}', 1],
    ['an escaped quote before brackets in a string', '{"a":"\\"[[[["}', 1],
    ['an escaped backslash ending a string', '{"a":"\\\\","b":1}', 1],
    ['a surrogate pair', '"\\ud83d\\ude00"', 1],
    ['an escaped backslash before u', '"\\\\ud800"', 1],
    ['invalid JSON, left to the parser', '{"a": ]]]', 1],
  ])('accepts %s', (_label, text, maxDepth) => {
    expect(scanJson(text, maxDepth)).toBeUndefined();
  });

  it.each([
    ['one level too deep', '{"a":[[1]]}', 2, 'depth'],
    ['deep nesting after a string with brackets', '{"a":"]]]]","b":[[[1]]]}', 3, 'depth'],
    ['a lone high surrogate', '"\\uD800"', 1, 'surrogate'],
    ['a high surrogate followed by a non-surrogate escape', '"\\ud800\\u0041"', 1, 'surrogate'],
    ['a lone low surrogate', '"\\udc00"', 1, 'surrogate'],
    ['a high surrogate at the end of the text', '"\\ud800', 1, 'surrogate'],
  ])('finds %s', (_label, text, maxDepth, problem) => {
    expect(scanJson(text, maxDepth)).toBe(problem);
  });

  it('scans 100,000 levels without recursion', () => {
    expect(scanJson('['.repeat(100_000), 64)).toBe('depth');
  });
});
