import {
  DEFAULT_OPTIONS,
  formatSpread,
  jsonShape,
  maxGoal,
  median,
  parseOptions,
  ratioGoal,
  roundRatios,
  scenarioRatio,
  shapeDifferences,
} from '../../bench/calibrate';

describe('bench/calibrate', () => {
  it('parses flags, lets --quick set defaults that later flags override, and rejects the unknown', () => {
    expect(parseOptions([])).toMatchObject({ users: 10_000, connections: 16, rounds: 5, stream: true });
    expect(parseOptions(['--rounds', '4', '--quick'])).toMatchObject({
      quick: true,
      rounds: 4,
      stream: false,
    });
    expect(parseOptions(['--quick'])).toMatchObject({ rounds: 3, roundSeconds: 1.5 });
    expect(parseOptions(['--big-users', '0', '--only', 'POST'])).toMatchObject({ bigUsers: 0, only: 'POST' });
    expect(parseOptions([], { BENCH_USERS: '500', BENCH_PROFILE: '1' })).toMatchObject({
      users: 500,
      profile: true,
    });
    expect(parseOptions(['--users', '7'], { BENCH_USERS: '500' }).users).toBe(7);
    expect(() => parseOptions(['--users', '0'])).toThrow(/--users needs a positive number/);
    expect(() => parseOptions(['--rounds', '2.5'])).toThrow(/integer/);
    expect(() => parseOptions(['--fast'])).toThrow(/unknown option "--fast"/);
    // The flags are looked up in tables: a name of Object.prototype is no flag.
    expect(() => parseOptions(['constructor'])).toThrow(/unknown option "constructor"/);
  });

  it('sets every numeric flag and switch to its option', () => {
    const argv = [
      '--connections',
      '8',
      '--seconds',
      '2',
      '--warmup',
      '0',
      '--profile',
      '--no-stream',
      '--strict',
      '--nest-floor',
    ];
    expect(parseOptions(argv)).toEqual({
      ...DEFAULT_OPTIONS,
      connections: 8,
      roundSeconds: 2,
      warmupSeconds: 0,
      profile: true,
      stream: false,
      strict: true,
      nestFloor: true,
    });
    expect(() => parseOptions(['--seconds'])).toThrow(/--seconds needs a positive number, not ""/);
  });

  it('runs the Nest floor only when asked, by flag or BENCH_NEST_FLOOR=1, so that a default run is no longer', () => {
    expect(parseOptions([]).nestFloor).toBe(false);
    expect(parseOptions(['--quick']).nestFloor).toBe(false);
    expect(parseOptions([], { BENCH_NEST_FLOOR: '1' }).nestFloor).toBe(true);
    expect(parseOptions([], { BENCH_NEST_FLOOR: '0' }).nestFloor).toBe(false);
    expect(() => parseOptions(['--fast'])).toThrow(/\[--nest-floor\]/);
  });

  it('takes the ratio per round, then its median and range', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(roundRatios([100, 200], [1000, 1000])).toEqual([0.1, 0.2]);
    expect(() => roundRatios([1], [1, 2])).toThrow();
    const r = scenarioRatio(
      'GET /Users/{id}',
      { ours: [100, 300, 200], bare: [1000, 1000, 1000] },
      { ours: 'ours', baseline: 'bare' },
    );
    expect(r.ratio).toEqual({ median: 0.2, min: 0.1, max: 0.3 });
    expect(r).toMatchObject({ goal: 0.4, pass: false });
    expect(
      scenarioRatio('POST /Users', { ours: [30], bare: [100] }, { ours: 'ours', baseline: 'bare' }).pass,
    ).toBe(true);
  });

  it('adds Nest floor / bare and ours / Nest floor, per round, when the Nest floor ran; the goal stays on ours / bare', () => {
    const labels = { ours: 'ours', baseline: 'bare', nestFloor: 'nest' };
    const r = scenarioRatio(
      'GET /Users/{id}',
      { ours: [100, 300, 200], bare: [1000, 1000, 1000], nest: [500, 600, 400] },
      labels,
    );
    expect(r.ratio).toEqual({ median: 0.2, min: 0.1, max: 0.3 });
    expect(r.nestFloorRatio).toEqual({ median: 0.5, min: 0.4, max: 0.6 });
    expect(r.ratioToNestFloor).toEqual({ median: 0.5, min: 0.2, max: 0.5 });
    expect(r).toMatchObject({ goal: 0.4, pass: false });
    // Without the Nest floor's rates (a default run) neither ratio exists.
    const plain = scenarioRatio('GET /Users/{id}', { ours: [1], bare: [2] }, labels);
    expect(plain.nestFloorRatio).toBeUndefined();
    expect(plain.ratioToNestFloor).toBeUndefined();
  });

  it('formats a ratio with its spread', () => {
    expect(formatSpread({ median: 0.1789, min: 0.0861, max: 0.2 })).toBe('0.179× (0.086–0.200)');
    expect(formatSpread({ median: NaN, min: NaN, max: NaN })).toBe('–');
  });

  it("maps every scenario to issue 12's goal", () => {
    expect(ratioGoal('GET /Users/{id}')).toBe(0.4);
    expect(ratioGoal('GET /Users?filter=userName eq')).toBe(0.4);
    expect(ratioGoal('GET /Users?startIndex=…&count=100')).toBe(0.3);
    expect(ratioGoal('GET /Users?sortBy=userName&startIndex=…&count=100')).toBe(0.3);
    expect(ratioGoal('PATCH /Users/{id} replace title')).toBe(0.3);
    expect(ratioGoal('PATCH Group (100 members): remove + add one member')).toBe(0.3);
    expect(ratioGoal('Entra initial sync: filter, then POST /Users')).toBe(0.3);
    expect(ratioGoal('POST /Users')).toBe(0.25);
    expect(ratioGoal('something else')).toBeUndefined();
    expect(maxGoal('boot', 4.9, 's', 5).pass).toBe(true);
    expect(maxGoal('boot', 5.1, 's', 5).pass).toBe(false);
    expect(maxGoal('boot', NaN, 's', 5).pass).toBe(false);
  });

  it('compares JSON shapes by key paths, arrays collapsed, and statuses', () => {
    expect(jsonShape('{"a":1,"b":{"c":[{"d":1},{"e":2}]}}')).toEqual(['a', 'b', 'b.c', 'b.c[].d', 'b.c[].e']);
    expect(jsonShape('')).toEqual([]);
    const ours = { status: 200, body: '{"id":"1","meta":{"version":"W/\\"1\\""}}' };
    expect(shapeDifferences(ours, { status: 200, body: '{"meta":{"version":"x"},"id":"2"}' })).toEqual([]);
    expect(shapeDifferences(ours, { status: 201, body: '{"id":"1","meta":{}}' })).toEqual([
      'status 200 vs 201',
      'keys only in ours: meta.version',
    ]);
  });
});
