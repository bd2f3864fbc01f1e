import { BoundedLru } from './bounded-lru';

describe(BoundedLru.name, () => {
  it('computes a value once and hands it out again', () => {
    const sut = new BoundedLru<string, object>(2);
    const make = jest.fn(() => ({}));
    const first = sut.getOrCreate('a', make);
    expect(sut.getOrCreate('a', make)).toBe(first);
    expect(make).toHaveBeenCalledTimes(1);
  });

  it('keeps at most its capacity, dropping the least recently used first', () => {
    const sut = new BoundedLru<string, number>(2);
    sut.getOrCreate('a', () => 1);
    sut.getOrCreate('b', () => 2);
    sut.getOrCreate('a', () => -1); // a is now the most recent
    sut.getOrCreate('c', () => 3); // drops b
    expect(sut.size).toBe(2);
    expect([sut.getOrCreate('a', () => -1), sut.getOrCreate('b', () => 20)]).toEqual([1, 20]);
  });
});
