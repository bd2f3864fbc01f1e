import { ScenarioResult } from './load';

import { formatSpread, GoalCheck, median, ScenarioRatio, Spread } from './calibrate';

export interface Environment {
  date: string;
  node: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  connections: number;
  rounds: number;
  roundSeconds: number;
  /** How server and load generator were placed on the cores (pinned, or why not). */
  pinning: string;
  /** The settings the server ran with, beyond the defaults. */
  serverSettings: Record<string, string>;
}

/** One comparison between the 100-member and the 100,000-member group; passes when `ratio` ≤ `limit`. */
export interface GroupComparison {
  operation: string;
  metric: 'req/s' | 'p99';
  small: number;
  big: number;
  /** How much worse the big group is (req/s: small/big; p99: big/small). */
  ratio: number;
  limit: number;
  pass: boolean;
}

/** The 100,000-user part: boot, memory and the big-group property. */
export interface BigDataset {
  users: number;
  bigGroupMembers: number;
  smallGroupMembers: number;
  seedSeconds: number;
  bootMs: number;
  rssAfterBootMiB: number;
  peakRssMiB: number;
  groupComparisons: GroupComparison[];
  /** One GET of each group with its members after the membership scenarios: size and time taken. */
  groupReads: { expected: number; members: number; ms: number; bytes: number }[];
}

export interface Report {
  environment: Environment;
  /** Users of the ratio scenarios. */
  users: number;
  /** The labels of the targets in `scenarios[].rates`; nestFloor only when `--nest-floor` ran it. */
  targets: { ours: string; baseline: string; nestFloor?: string };
  scenarios: ScenarioRatio[];
  big?: BigDataset;
  goals: GoalCheck[];
  failures: string[];
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '–');
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const x = (value: number) => (Number.isFinite(value) ? `${value.toFixed(3)}×` : '–');
const verdict = (pass?: boolean) => (pass === undefined ? '' : pass ? 'PASS' : 'FAIL');
const goalCells = (s: ScenarioRatio) => `${s.goal === undefined ? '' : `≥ ${s.goal}×`} | ${verdict(s.pass)}`;
const rateOf = (s: ScenarioRatio, label: string) => int(median(s.rates[label] ?? []));

/** ours vs bare Fastify: the table of a default run. */
function scenarioTable({ scenarios, targets }: Report): string[] {
  const rows = scenarios.map(
    (s) =>
      `| ${s.name} | ${rateOf(s, targets.ours)} | ${rateOf(s, targets.baseline)} | ${x(s.ratio.median)} | ` +
      `${s.ratio.min.toFixed(3)}–${s.ratio.max.toFixed(3)} | ${goalCells(s)} |`,
  );
  return [
    `| scenario | ours req/s | bare Fastify req/s | ratio (median) | spread (min–max) | goal | |`,
    '|---|---:|---:|---:|---:|---:|---|',
    ...rows,
  ];
}

/** With --nest-floor: the three targets' req/s and the three ratios, each with its spread. */
function scenarioTableWithNestFloor({ scenarios, targets }: Report, nestFloor: string): string[] {
  const ratio = (value?: Spread) => (value ? formatSpread(value) : '–');
  const rows = scenarios.map(
    (s) =>
      `| ${s.name} | ${rateOf(s, targets.ours)} | ${rateOf(s, targets.baseline)} | ${rateOf(s, nestFloor)} | ` +
      `${ratio(s.ratio)} | ${ratio(s.nestFloorRatio)} | ${ratio(s.ratioToNestFloor)} | ${goalCells(s)} |`,
  );
  return [
    `| scenario | ours req/s | bare Fastify req/s | ${nestFloor} req/s | ours / bare (spread) | ` +
      `${nestFloor} / bare (spread) | ours / ${nestFloor} (spread) | goal | |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows,
  ];
}

/** The comparison rows required by the issue: each operation, req/s and p99, big group vs small group. */
export function compareGroups(small: ScenarioResult, big: ScenarioResult, limit = 2): GroupComparison[] {
  const comparisons: GroupComparison[] = [];
  for (const operation of ['add', 'remove']) {
    const s = small.kinds.find((k) => k.kind === operation);
    const b = big.kinds.find((k) => k.kind === operation);
    if (!s || !b) continue;
    const throughput = s.reqPerSec / b.reqPerSec;
    const p99 = b.p99 / s.p99;
    comparisons.push(
      {
        operation,
        metric: 'req/s',
        small: s.reqPerSec,
        big: b.reqPerSec,
        ratio: throughput,
        limit,
        pass: throughput <= limit,
      },
      { operation, metric: 'p99', small: s.p99, big: b.p99, ratio: p99, limit, pass: p99 <= limit },
    );
  }
  return comparisons;
}

export function toMarkdown(report: Report): string {
  const { environment: env, targets } = report;
  const lines = [
    `Measured ${env.date} on ${env.cores} × ${env.cpu}, ${env.memoryGiB} GiB RAM, ${env.platform}, Node ${env.node}.`,
    `${int(report.users)} users; autocannon ${env.connections} connections; per scenario ${env.rounds} alternating ` +
      `rounds of ${env.roundSeconds} s per target (order reversed every other round). Pinning: ${env.pinning}.`,
    `Server settings: ${Object.entries(env.serverSettings)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}.`,
    '',
    ...(targets.nestFloor ? scenarioTableWithNestFloor(report, targets.nestFloor) : scenarioTable(report)),
    '',
    'req/s columns: median of the rounds; the ratio is taken per round, then its median and range.',
  ];
  if (targets.nestFloor) {
    lines.push(
      `${targets.nestFloor}: a minimal NestJS app on the same Fastify, one guard and one interceptor, serving the ` +
        "bare baseline's routes and data (bench/baseline/nest-floor.ts); issue 12 puts it at about 0.55× of bare Fastify. " +
        'The goals are on ours / bare.',
    );
  }
  const big = report.big;
  if (big) {
    lines.push(
      '',
      `${int(big.users)} users, a ${int(big.bigGroupMembers)}-member and a ${int(big.smallGroupMembers)}-member group ` +
        `(seeded in ${big.seedSeconds.toFixed(1)} s): boot ${int(big.bootMs)} ms, RSS after boot ${int(big.rssAfterBootMiB)} MiB, ` +
        `peak ${int(big.peakRssMiB)} MiB.`,
    );
    if (big.groupComparisons.length > 0) {
      lines.push(
        '',
        `| member change: big vs small group | ${int(big.smallGroupMembers)} members | ${int(big.bigGroupMembers)} members | ratio | limit | |`,
        '|---|---:|---:|---:|---:|---|',
      );
      for (const c of big.groupComparisons) {
        const fmt = c.metric === 'p99' ? ms : int;
        lines.push(
          `| ${c.operation} ${c.metric} | ${fmt(c.small)} | ${fmt(c.big)} | ${c.ratio.toFixed(2)} | ${c.limit} | ${verdict(c.pass)} |`,
        );
      }
    }
    for (const read of big.groupReads) {
      lines.push(
        '',
        `GET of the ${int(read.expected)}-member group after the run: ${int(read.members)} members, ${(read.bytes / 1e6).toFixed(1)} MB in ${int(read.ms)} ms.`,
      );
    }
  }
  if (report.goals.length > 0) {
    lines.push('', '| goal | measured | limit | |', '|---|---:|---:|---|');
    for (const g of report.goals) {
      lines.push(
        `| ${g.goal} | ${g.value.toFixed(g.unit === '×' ? 2 : 0)} ${g.unit} | ≤ ${g.limit} ${g.unit} | ${verdict(g.pass)} |`,
      );
    }
  }
  if (report.failures.length > 0) lines.push('', '**FAILED:**', ...report.failures.map((f) => `- ${f}`));
  return `${lines.join('\n')}\n`;
}
