import { backoffCeiling, retryDelay } from './backoff';

const DEFAULTS = { baseMs: 1000, maxMs: 600_000 };

describe('backoff', () => {
  it('doubles the ceiling from 1 s per failed attempt and stops at 10 min', () => {
    const ceilings = [1, 2, 3, 4, 10, 11, 50].map((n) => backoffCeiling(n, DEFAULTS));

    expect(ceilings).toEqual([1000, 2000, 4000, 8000, 512_000, 600_000, 600_000]);
  });

  it('treats 0 attempts like the first', () => {
    expect(backoffCeiling(0, DEFAULTS)).toBe(1000);
  });

  it('draws the delay uniformly below the ceiling (full jitter)', () => {
    expect(retryDelay(3, DEFAULTS, undefined, () => 0)).toBe(0);
    expect(retryDelay(3, DEFAULTS, undefined, () => 0.5)).toBe(2000);
    expect(retryDelay(3, DEFAULTS, undefined, () => 0.999999)).toBe(3999);
  });

  it('waits at least Retry-After', () => {
    expect(retryDelay(1, DEFAULTS, 30_000, () => 0.5)).toBe(30_000);
    expect(retryDelay(12, DEFAULTS, 30_000, () => 0.5)).toBe(300_000);
  });

  it('caps Retry-After at an hour and ignores a negative one', () => {
    expect(retryDelay(1, DEFAULTS, 86_400_000, () => 0)).toBe(3_600_000);
    expect(retryDelay(1, { baseMs: 5, maxMs: 20 }, 1000, () => 0)).toBe(1000);
    expect(retryDelay(1, DEFAULTS, -5, () => 0)).toBe(0);
  });
});
