import { MemoryRateLimitStorage } from './memory-rate-limit.storage';

function clock(start = 1_000_000) {
  const c = { now: start, fn: () => c.now };
  return c;
}

describe(MemoryRateLimitStorage.name, () => {
  it('admits the burst and blocks the next request of the same key', async () => {
    const sut = new MemoryRateLimitStorage(clock().fn);

    const results = [];
    for (let i = 0; i < 3; i++) results.push(await sut.increment('k', 2000, 2, 0, 'default'));

    expect(results.map((r) => r.isBlocked)).toEqual([false, false, true]);
    expect(results[2].timeToBlockExpire).toBe(1);
  });

  it('keeps keys apart', async () => {
    const sut = new MemoryRateLimitStorage(clock().fn);
    await sut.increment('a', 1000, 1, 0, 'default');

    await expect(sut.increment('b', 1000, 1, 0, 'default')).resolves.toMatchObject({ isBlocked: false });
  });

  it('admits again once a token has been refilled', async () => {
    const c = clock();
    const sut = new MemoryRateLimitStorage(c.fn);
    await sut.increment('k', 1000, 1, 0, 'default');

    c.now += 1000;

    await expect(sut.increment('k', 1000, 1, 0, 'default')).resolves.toMatchObject({ isBlocked: false });
  });

  it('counts failures in a window that starts with the first one', async () => {
    const c = clock();
    const sut = new MemoryRateLimitStorage(c.fn);
    await sut.recordFailure('ip', 60_000);
    c.now += 20_000;

    await expect(sut.recordFailure('ip', 60_000)).resolves.toEqual({ count: 2, resetMs: 40_000 });
    await expect(sut.failures('ip')).resolves.toEqual({ count: 2, resetMs: 40_000 });
  });

  it('forgets the failures when the window is over', async () => {
    const c = clock();
    const sut = new MemoryRateLimitStorage(c.fn);
    await sut.recordFailure('ip', 60_000);
    c.now += 60_000;

    await expect(sut.failures('ip')).resolves.toEqual({ count: 0, resetMs: 0 });
    await expect(sut.recordFailure('ip', 60_000)).resolves.toEqual({ count: 1, resetMs: 60_000 });
  });

  it('sweeps expired entries so that memory stays bounded by live keys', async () => {
    const c = clock();
    const sut = new MemoryRateLimitStorage(c.fn);
    for (let i = 0; i < 100; i++) {
      await sut.increment(`k${i}`, 1000, 10, 0, 'default');
      await sut.recordFailure(`ip${i}`, 60_000);
    }
    c.now += 61_000;

    await sut.failures('other');

    expect(sut.size).toBe(0);
  });

  it('says whether any failure may be counted (the bearer check skips the lookup when none is)', async () => {
    const c = clock();
    const sut = new MemoryRateLimitStorage(c.fn);
    await sut.increment('rate:c', 1000, 10, 0, 'default');
    expect(sut.mayHaveFailures()).toBe(false);

    await sut.recordFailure('ip', 60_000);
    expect(sut.mayHaveFailures()).toBe(true);
    c.now += 61_000;
    await sut.failures('other'); // the sweep forgets the window

    expect(sut.mayHaveFailures()).toBe(false);
  });
});
