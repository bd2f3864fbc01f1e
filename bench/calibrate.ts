/**
 * The pure part of the self-calibrating bench (issue 12): command-line options, ratios of rounds measured side by
 * side, their median and spread, the goals and the check that two targets answer with the same JSON shape.
 * No I/O here, so that bench/../test/bench/calibrate.spec.ts can test every rule.
 */

export interface BenchOptions {
  /** Users seeded for the ratio scenarios (issue 12: 10,000). */
  users: number;
  connections: number;
  /** Alternating rounds per scenario; each round runs every target once. */
  rounds: number;
  roundSeconds: number;
  warmupSeconds: number;
  /** Users of the boot / RSS / big-group part (issue 12: 100,000); 0 skips it. */
  bigUsers: number;
  /** Only scenarios whose name contains this (case-insensitive). */
  only?: string;
  profile: boolean;
  quick: boolean;
  /** Run bench/streaming.ts afterwards. */
  stream: boolean;
  /** Exit 1 when a ratio goal is missed (by default only broken runs and the big-group property fail). */
  strict: boolean;
  /** Also measure the minimal Nest app (bench/baseline/nest-floor.ts) in every round: a third target. */
  nestFloor: boolean;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  users: 10_000,
  connections: 16,
  rounds: 5,
  roundSeconds: 3,
  warmupSeconds: 1,
  bigUsers: 100_000,
  profile: false,
  quick: false,
  stream: true,
  strict: false,
  nestFloor: false,
};

/** What `--quick` changes: fewer, shorter rounds, and no streaming part. */
const QUICK: Partial<BenchOptions> = { rounds: 3, roundSeconds: 1.5, warmupSeconds: 0.5, stream: false };

const USAGE =
  'usage: npm run bench -- [--quick] [--users N] [--connections N] [--rounds N] [--seconds S] [--warmup S] ' +
  '[--big-users N (0 skips)] [--only TEXT] [--profile] [--no-stream] [--strict] [--nest-floor]';

function positive(flag: string, raw: string | undefined, allowZero = false): number {
  const value = Number(raw);
  if (raw === undefined || raw === '' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
    throw new Error(
      `${flag} needs a ${allowZero ? 'non-negative' : 'positive'} number, not "${raw ?? ''}"\n${USAGE}`,
    );
  return value;
}

/** The keys of BenchOptions that hold a number. */
type NumberOption = {
  [K in keyof BenchOptions]-?: BenchOptions[K] extends number ? K : never;
}[keyof BenchOptions];

/** The flags that take a number: the option each sets, and whether 0 is allowed (0 big users skips that part). */
const NUMBER_FLAGS = new Map<string, { option: NumberOption; allowZero?: boolean }>([
  ['--users', { option: 'users' }],
  ['--connections', { option: 'connections' }],
  ['--rounds', { option: 'rounds' }],
  ['--seconds', { option: 'roundSeconds' }],
  ['--warmup', { option: 'warmupSeconds', allowZero: true }],
  ['--big-users', { option: 'bigUsers', allowZero: true }],
]);

/** The flags that take no value: what each sets (`--quick` is applied before the others, see parseOptions). */
const SWITCHES = new Map<string, Partial<BenchOptions>>([
  ['--quick', {}],
  ['--profile', { profile: true }],
  ['--no-stream', { stream: false }],
  ['--strict', { strict: true }],
  ['--nest-floor', { nestFloor: true }],
]);

/**
 * Options from argv (after the script) and from the environment knobs (BENCH_USERS, BENCH_CONNECTIONS,
 * BENCH_ONLY, BENCH_PROFILE=1, BENCH_NEST_FLOOR=1), flags winning. `--quick` sets its defaults first, so `--quick --rounds 4` is 4.
 */
export function parseOptions(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): BenchOptions {
  const options: BenchOptions = { ...DEFAULT_OPTIONS };
  if (env.BENCH_USERS) options.users = positive('BENCH_USERS', env.BENCH_USERS);
  if (env.BENCH_CONNECTIONS) options.connections = positive('BENCH_CONNECTIONS', env.BENCH_CONNECTIONS);
  if (env.BENCH_ONLY) options.only = env.BENCH_ONLY;
  if (env.BENCH_PROFILE === '1') options.profile = true;
  if (env.BENCH_NEST_FLOOR === '1') options.nestFloor = true;
  if (argv.includes('--quick')) Object.assign(options, QUICK, { quick: true });
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const numeric = NUMBER_FLAGS.get(flag);
    const switched = SWITCHES.get(flag);
    if (numeric) {
      options[numeric.option] = positive(flag, argv[++i], numeric.allowZero);
    } else if (switched) {
      Object.assign(options, switched);
    } else if (flag === '--only') {
      const text = argv[++i];
      if (!text) throw new Error(`--only needs a text\n${USAGE}`);
      options.only = text;
    } else {
      throw new Error(`unknown option "${flag}"\n${USAGE}`);
    }
  }
  if (!Number.isInteger(options.rounds)) throw new Error(`--rounds must be an integer\n${USAGE}`);
  return options;
}

/** Median; of an even count, the mean of the two middle values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** `0.179× (0.086–0.199)`: the median ratio and its range over the rounds; `–` when there is no ratio. */
export function formatSpread(ratio: Spread): string {
  if (![ratio.median, ratio.min, ratio.max].every(Number.isFinite)) return '–';
  return `${ratio.median.toFixed(3)}× (${ratio.min.toFixed(3)}–${ratio.max.toFixed(3)})`;
}

/**
 * Ratio of each round: ours / baseline of the same round (the two ran back to back, so a burst of background
 * load hits both). Rounds are paired by index.
 */
export function roundRatios(ours: readonly number[], baseline: readonly number[]): number[] {
  if (ours.length !== baseline.length) throw new Error(`${ours.length} rounds vs ${baseline.length}`);
  return ours.map((rate, i) => (baseline[i] > 0 ? rate / baseline[i] : NaN));
}

/** Issue 12's goals: the minimum ratio to bare Fastify per scenario, by scenario name. */
export function ratioGoal(scenarioName: string): number | undefined {
  if (/^GET \/Users\/\{id\}$/.test(scenarioName) || /filter=userName eq/.test(scenarioName)) return 0.4;
  if (/^POST \/Users$/.test(scenarioName)) return 0.25;
  if (/count=100|^PATCH |Entra initial sync/.test(scenarioName)) return 0.3;
  return undefined;
}

export interface ScenarioRatio {
  name: string;
  /** req/s per round, per target label. */
  rates: Record<string, number[]>;
  /** ours / bare Fastify over the rounds. */
  ratio: Spread;
  /** Nest floor / bare Fastify, when that target ran: what the framework alone costs (issue 12: about 0.55×). */
  nestFloorRatio?: Spread;
  /** ours / Nest floor, when that target ran: how far we are from the framework's own floor. */
  ratioToNestFloor?: Spread;
  goal?: number;
  /** The median ratio reaches the goal (undefined when the scenario has no goal). */
  pass?: boolean;
}

export function scenarioRatio(
  name: string,
  rates: Record<string, number[]>,
  labels: { ours: string; baseline: string; nestFloor?: string },
): ScenarioRatio {
  const ratio = spread(roundRatios(rates[labels.ours], rates[labels.baseline]));
  const goal = ratioGoal(name);
  const result: ScenarioRatio = { name, rates, ratio, goal };
  if (goal !== undefined) result.pass = ratio.median >= goal;
  if (labels.nestFloor && rates[labels.nestFloor]) {
    result.nestFloorRatio = spread(roundRatios(rates[labels.nestFloor], rates[labels.baseline]));
    result.ratioToNestFloor = spread(roundRatios(rates[labels.ours], rates[labels.nestFloor]));
  }
  return result;
}

/** A goal on an absolute figure (boot time, RSS, big/small group cost). */
export interface GoalCheck {
  goal: string;
  value: number;
  unit: string;
  limit: number;
  /** `max`: value ≤ limit passes. */
  kind: 'max';
  pass: boolean;
}

export const maxGoal = (goal: string, value: number, unit: string, limit: number): GoalCheck => ({
  goal,
  value,
  unit,
  limit,
  kind: 'max',
  pass: Number.isFinite(value) && value <= limit,
});

/**
 * The JSON shape of a body: every key path, arrays collapsed to `[]` (so a page of 100 and a page of 99 have one
 * shape), values dropped. Two servers answering the "same SCIM-shaped JSON" have the same set.
 */
export function jsonShape(body: string): string[] {
  if (body.trim() === '') return [];
  const paths = new Set<string>();
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, `${path}[]`);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        paths.add(childPath);
        walk(child, childPath);
      }
    }
  };
  walk(JSON.parse(body) as unknown, '');
  return [...paths].sort();
}

export interface ObservedResponse {
  status: number;
  body: string;
}

/** What differs between two targets' answers to one step (empty: the same status and JSON shape). */
export function shapeDifferences(ours: ObservedResponse, theirs: ObservedResponse): string[] {
  const problems: string[] = [];
  if (ours.status !== theirs.status) problems.push(`status ${ours.status} vs ${theirs.status}`);
  const a = new Set(jsonShape(ours.body));
  const b = new Set(jsonShape(theirs.body));
  const onlyOurs = [...a].filter((k) => !b.has(k));
  const onlyTheirs = [...b].filter((k) => !a.has(k));
  if (onlyOurs.length > 0) problems.push(`keys only in ours: ${onlyOurs.join(', ')}`);
  if (onlyTheirs.length > 0) problems.push(`keys only in the other: ${onlyTheirs.join(', ')}`);
  return problems;
}
