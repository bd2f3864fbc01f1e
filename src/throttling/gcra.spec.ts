import { gcra, toThrottlerRecord } from './gcra';

/** Runs `count` requests at time `at` against one bucket, returning the decisions. */
function burst(state: { tat?: number }, at: number, count: number, limit: number, ttl: number) {
  const decisions = [];
  for (let i = 0; i < count; i++) {
    const decision = gcra(state.tat, at, limit, ttl);
    if (decision.allowed) state.tat = decision.tat;
    decisions.push(decision);
  }
  return decisions;
}

describe(gcra.name, () => {
  it('admits a burst of `limit` requests at once, counting the tokens down', () => {
    const decisions = burst({}, 0, 3, 3, 3000);

    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
    ]);
  });

  it('refuses the request after the burst and says when the next token comes', () => {
    const state = {};
    burst(state, 0, 3, 3, 3000);

    const refused = gcra((state as { tat: number }).tat, 0, 3, 3000);

    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 1000, resetMs: 3000 });
  });

  it('does not consume a token for a refused request', () => {
    const state: { tat?: number } = {};
    burst(state, 0, 5, 3, 3000);

    expect(state.tat).toBe(3000);
  });

  it('refills one token per interval (limit / ttl)', () => {
    const state: { tat?: number } = {};
    burst(state, 0, 3, 3, 3000);

    expect(gcra(state.tat, 999, 3, 3000).allowed).toBe(false);
    expect(gcra(state.tat, 1000, 3, 3000).allowed).toBe(true);
  });

  it('sustains the rate exactly: 200 per second for ten seconds', () => {
    const state: { tat?: number } = {};
    let admitted = 0;
    // 400 at once (the burst), then one request every 5 ms.
    admitted += burst(state, 0, 400, 400, 2000).filter((d) => d.allowed).length;
    for (let t = 5; t <= 10_000; t += 5) admitted += burst(state, t, 1, 400, 2000)[0].allowed ? 1 : 0;

    expect(admitted).toBe(400 + 2000);
  });

  it('starts full again once the bucket has refilled', () => {
    const state: { tat?: number } = {};
    burst(state, 0, 3, 3, 3000);

    expect(burst(state, 10_000, 3, 3, 3000).every((d) => d.allowed)).toBe(true);
  });
});

describe(toThrottlerRecord.name, () => {
  it('reports a refused request as blocked, with whole seconds to wait, at least 1', () => {
    expect(toThrottlerRecord({ allowed: false, remaining: 0, retryAfterMs: 5, resetMs: 2000 }, 4)).toEqual({
      totalHits: 5,
      timeToExpire: 2,
      isBlocked: true,
      timeToBlockExpire: 1,
    });
  });

  it('rounds the wait up', () => {
    expect(
      toThrottlerRecord({ allowed: false, remaining: 0, retryAfterMs: 1001, resetMs: 0 }, 1)
        .timeToBlockExpire,
    ).toBe(2);
  });

  it('reports an admitted request with its hits', () => {
    expect(toThrottlerRecord({ allowed: true, remaining: 1, retryAfterMs: 0, resetMs: 500 }, 4)).toEqual({
      totalHits: 3,
      timeToExpire: 1,
      isBlocked: false,
      timeToBlockExpire: 0,
    });
  });
});
