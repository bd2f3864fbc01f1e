import { requestIdOf } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(requestIdOf.name, () => {
  it('keeps a sane incoming X-Request-Id', () => {
    expect(requestIdOf({ headers: { 'x-request-id': 'ingress-42.a:b_c' } })).toBe('ingress-42.a:b_c');
  });

  it('generates a UUID when there is none', () => {
    expect(requestIdOf({ headers: {} })).toMatch(UUID);
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['spaces', 'a b'],
    ['log injection', 'x"}\n{"level":"fatal'],
    ['empty', ''],
  ])('replaces an incoming id with %s', (_case, incoming) => {
    expect(requestIdOf({ headers: { 'x-request-id': incoming } })).toMatch(UUID);
  });

  it('replaces a repeated header', () => {
    expect(requestIdOf({ headers: { 'x-request-id': ['a', 'b'] as unknown as string } })).toMatch(UUID);
  });
});
