/**
 * `npm run bench [-- options]`: the self-calibrating benchmark of issue 12. Seeds the embedded store, boots the built
 * server and a bare-Fastify baseline (bench/baseline/fastify-baseline.ts, same routes, same data, same JSON) side
 * by side, pins them to one core and this load generator to the other when there are two, checks once per
 * scenario that both answer with the same status and JSON shape, then alternates the two over rounds and reports
 * each scenario as ours / bare Fastify with its spread, against the goals. Then, on 100,000 users: boot
 * time, RSS after boot, and member changes of a 100,000-member group vs a 100-member one. Then bench/streaming.ts
 * (unless --quick or --no-stream).
 *
 * With `--nest-floor` (or BENCH_NEST_FLOOR=1) a third target runs in every round and every shape check:
 * bench/baseline/nest-floor.ts, a minimal NestJS app on the same Fastify with one guard and one interceptor, serving
 * the bare baseline's routes and data (issue 12 puts it at about 0.55× of bare Fastify, the floor the framework
 * sets). The report then adds its req/s, Nest floor / bare Fastify and ours / Nest floor, each with its spread, for
 * every scenario (reads and writes). Off by default: it makes each scenario's rounds half as long again.
 *
 * Options: bench/calibrate.ts (`--quick`, `--users`, `--connections`, `--rounds`, `--seconds`, `--warmup`,
 * `--big-users`, `--only`, `--profile` (V8 CPU profile of our server in bench/results/profiles/), `--no-stream`,
 * `--strict`, `--nest-floor`). Writes bench/results/latest.{md,json}. Exits 1 when a run broke (unexpected
 * responses, diverging shapes), when the big group costs more than twice the small one, and with --strict when a
 * goal is missed.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  BenchOptions,
  formatSpread,
  GoalCheck,
  maxGoal,
  parseOptions,
  ScenarioRatio,
  scenarioRatio,
} from './calibrate';
import { BigDataset, compareGroups, Report, toMarkdown } from './report';
import { alternateRounds, RoundTarget } from './rounds';
import { groupScenarioName, scenarios } from './scenarios';
import { seed } from './seed';
import { memoryOf, startServer } from './server';
import {
  BASELINE_ENTRY,
  baselineSeedFile,
  checkSameShape,
  dumpForBaseline,
  NEST_FLOOR_ENTRY,
  pinCores,
  Pinning,
  SERVER_SETTINGS,
  TS_NODE,
} from './targets';

const RESULTS_DIR = join(__dirname, 'results');
const PROFILE_DIR = join(RESULTS_DIR, 'profiles');
const OURS = 'ours';
const BASELINE = 'bare Fastify';
const NEST_FLOOR = 'Nest floor';
const GROUPS = 1000;
const SMALL_GROUP = 100;

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const selector = (only?: string) => (name: string) =>
  !only || name.toLowerCase().includes(only.toLowerCase());

/**
 * Ours vs bare Fastify (and, with --nest-floor, the minimal Nest app) on `options.users` users, every scenario
 * alternating over rounds.
 */
async function ratios(options: BenchOptions, token: string, pinning: Pinning): Promise<ScenarioRatio[]> {
  const dirs = [
    mkdtempSync(join(tmpdir(), 'scim-bench-')),
    mkdtempSync(join(tmpdir(), 'scim-bench-baseline-')),
    ...(options.nestFloor ? [mkdtempSync(join(tmpdir(), 'scim-bench-nest-floor-'))] : []),
  ];
  const servers: Awaited<ReturnType<typeof startServer>>[] = [];
  try {
    log(`seeding ${options.users} users and ${GROUPS} groups`);
    const members = Math.min(SMALL_GROUP, options.users);
    const data = { bigGroupMembers: members, smallGroupMembers: members };
    const seeded = seed(dirs[0], { users: options.users, groups: GROUPS, ...data });
    const ours = await startServer(dirs[0], token, {
      env: SERVER_SETTINGS,
      wrapper: pinning.serverWrapper,
      nodeArgs: options.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
    });
    servers.push(ours);
    log(`ours ready in ${Math.round(ours.bootMs)} ms; dumping its users for the baseline`);
    await dumpForBaseline(
      ours.url,
      token,
      [{ id: seeded.smallGroupId, members: seeded.userIds.slice(0, members) }],
      baselineSeedFile(dirs[1]),
    );
    const baseline = await startServer(dirs[1], token, {
      entry: BASELINE_ENTRY,
      nodeArgs: TS_NODE,
      wrapper: pinning.serverWrapper,
    });
    servers.push(baseline);
    log(`bare Fastify ready in ${Math.round(baseline.bootMs)} ms`);
    let nestFloor: Awaited<ReturnType<typeof startServer>> | undefined;
    if (options.nestFloor) {
      // The same seed in a directory of its own: each baseline appends its writes to its own log.
      copyFileSync(baselineSeedFile(dirs[1]), baselineSeedFile(dirs[2]));
      nestFloor = await startServer(dirs[2], token, {
        entry: NEST_FLOOR_ENTRY,
        nodeArgs: TS_NODE,
        wrapper: pinning.serverWrapper,
      });
      servers.push(nestFloor);
      log(`Nest floor ready in ${Math.round(nestFloor.bootMs)} ms`);
    }

    // Each target gets its own scenario instances (own counters). With both groups of 100 members, the "big"
    // group scenario is the small one again: it runs in the 100,000-user part.
    const instances = () => {
      const all = scenarios({ ...seeded, ...data });
      return all.filter((s, i) => all.findIndex((o) => o.name === s.name) === i);
    };
    const [oursAll, baselineAll, nestFloorAll] = [instances(), instances(), instances()];
    const results: ScenarioRatio[] = [];
    for (const [i, scenario] of oursAll.entries()) {
      if (!selector(options.only)(scenario.name)) continue;
      const others: RoundTarget[] = [{ label: BASELINE, url: baseline.url, scenario: baselineAll[i] }];
      if (nestFloor) others.push({ label: NEST_FLOOR, url: nestFloor.url, scenario: nestFloorAll[i] });
      await checkSameShape(token, { url: ours.url, scenario }, ...others);
      const { rates } = await alternateRounds([{ label: OURS, url: ours.url, scenario }, ...others], {
        token,
        connections: options.connections,
        rounds: options.rounds,
        roundSeconds: options.roundSeconds,
        warmupSeconds: options.warmupSeconds,
      });
      const result = scenarioRatio(scenario.name, rates, {
        ours: OURS,
        baseline: BASELINE,
        nestFloor: nestFloor ? NEST_FLOOR : undefined,
      });
      const perRound = (label: string) => rates[label].map(Math.round).join('/');
      log(
        `${scenario.name}: ratio ${formatSpread(result.ratio)}, ours ${perRound(OURS)} req/s, bare ${perRound(BASELINE)} req/s` +
          (nestFloor
            ? `; Nest floor ${perRound(NEST_FLOOR)} req/s, Nest/bare ${formatSpread(result.nestFloorRatio!)}, ` +
              `ours/Nest ${formatSpread(result.ratioToNestFloor!)}`
            : ''),
      );
      results.push(result);
    }
    return results;
  } finally {
    for (const server of servers) {
      await server.stop();
      const stderr = server.stderr().trim();
      if (stderr) log(`server stderr:\n${stderr.slice(-2000)}`);
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads a group with its members once (timed), to check its size. */
async function readGroup(url: string, token: string, groupId: string, expected: number) {
  const started = process.hrtime.bigint();
  const response = await fetch(`${url}/scim/v2/Groups/${groupId}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (response.status !== 200) throw new Error(`GET /Groups/${groupId}: ${response.status}`);
  const body = JSON.parse(text) as { members?: unknown[] };
  return { expected, members: body.members?.length ?? 0, ms, bytes: Buffer.byteLength(text) };
}

/** Boot, RSS and member changes of a `bigUsers`-member group vs a 100-member one, alternating. */
async function bigDataset(options: BenchOptions, token: string, pinning: Pinning): Promise<BigDataset> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-bench-big-'));
  try {
    const users = options.bigUsers;
    const data = { bigGroupMembers: users, smallGroupMembers: Math.min(SMALL_GROUP, users) };
    log(`seeding ${users} users, a ${users}-member group`);
    const seeded = seed(dir, { users, groups: GROUPS, ...data });
    const server = await startServer(dir, token, { env: SERVER_SETTINGS, wrapper: pinning.serverWrapper });
    try {
      const afterBoot = memoryOf(server.pid);
      log(`ready in ${Math.round(server.bootMs)} ms, RSS ${Math.round(afterBoot.rssMiB)} MiB`);
      const all = scenarios({ ...seeded, ...data });
      const find = (members: number) => all.find((s) => s.name === groupScenarioName(members))!;
      const { results } = await alternateRounds(
        [
          { label: 'small', url: server.url, scenario: find(data.smallGroupMembers) },
          { label: 'big', url: server.url, scenario: find(data.bigGroupMembers) },
        ],
        {
          token,
          connections: options.connections,
          rounds: options.rounds,
          roundSeconds: options.roundSeconds,
          warmupSeconds: options.warmupSeconds,
        },
      );
      const groupReads = [
        await readGroup(server.url, token, seeded.smallGroupId, data.smallGroupMembers),
        await readGroup(server.url, token, seeded.bigGroupId, data.bigGroupMembers),
      ];
      return {
        users,
        ...data,
        seedSeconds: seeded.seconds,
        bootMs: server.bootMs,
        rssAfterBootMiB: afterBoot.rssMiB,
        peakRssMiB: memoryOf(server.pid).peakRssMiB,
        groupComparisons: compareGroups(results.small, results.big),
        groupReads,
      };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Issue 12's goals on the 100,000-user part, and what must hold for the run to count. */
function bigGoals(big: BigDataset): { goals: GoalCheck[]; failures: string[] } {
  const goals = [
    maxGoal(`boot with ${big.users.toLocaleString('en-US')} users`, big.bootMs / 1000, 's', 5),
    maxGoal('RSS after boot', big.rssAfterBootMiB, 'MiB', 500),
  ];
  for (const c of big.groupComparisons.filter((g) => g.metric === 'req/s')) {
    goals.push(maxGoal(`member ${c.operation} cost, big / small group (~1 wanted)`, c.ratio, '×', c.limit));
  }
  const failures = big.groupComparisons
    .filter((c) => !c.pass)
    .map(
      (c) =>
        `member ${c.operation} ${c.metric}: the big group is ${c.ratio.toFixed(2)}× worse (limit ${c.limit}×)`,
    );
  for (const read of big.groupReads.filter((r) => r.members !== r.expected)) {
    failures.push(`a group has ${read.members} members after the run, expected ${read.expected}`);
  }
  return { goals, failures };
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const token = randomBytes(24).toString('base64url');
  const pinning = pinCores();
  log(`pinning: ${pinning.description}`);
  const scenarioRatios = await ratios(options, token, pinning);
  const runBig = options.bigUsers > 0 && selector(options.only)(groupScenarioName(SMALL_GROUP));
  const big = runBig ? await bigDataset(options, token, pinning) : undefined;
  const { goals, failures } = big ? bigGoals(big) : { goals: [], failures: [] };
  if (options.strict) {
    for (const s of scenarioRatios.filter((r) => r.pass === false))
      failures.push(`${s.name}: ratio ${s.ratio.median.toFixed(3)} < goal ${s.goal}`);
    for (const g of goals.filter((g) => !g.pass))
      failures.push(`${g.goal}: ${g.value} ${g.unit} > ${g.limit}`);
  }
  const cpuList = cpus();
  const report: Report = {
    environment: {
      date: new Date().toISOString(),
      node: process.version,
      cpu: cpuList[0]?.model.trim() ?? 'unknown CPU',
      cores: cpuList.length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      platform: `${platform()} ${release()}`,
      connections: options.connections,
      rounds: options.rounds,
      roundSeconds: options.roundSeconds,
      pinning: pinning.description,
      serverSettings: SERVER_SETTINGS,
    },
    users: options.users,
    targets: { ours: OURS, baseline: BASELINE, ...(options.nestFloor ? { nestFloor: NEST_FLOOR } : {}) },
    scenarios: scenarioRatios,
    big,
    goals,
    failures,
  };
  const markdown = toMarkdown(report);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'latest.md'), markdown);
  writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\n${markdown}\nWritten to ${join(RESULTS_DIR, 'latest.md')} and latest.json\n`);
  if (options.profile) log(`CPU profile written to ${PROFILE_DIR}`);
  if (options.stream) {
    const stream = spawnSync(process.execPath, [...TS_NODE, join(__dirname, 'streaming.ts')], {
      stdio: 'inherit',
    });
    if (stream.status !== 0) failures.push(`bench/streaming.ts exited ${stream.status}`);
  }
  return failures.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
