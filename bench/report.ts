import { LatencyStats, ScenarioResult } from './load';

export interface Environment {
  date: string;
  node: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  connections: number;
  durationSeconds: number;
}

export interface Dataset {
  users: number;
  groups: number;
  bigGroupMembers: number;
  smallGroupMembers: number;
  seedSeconds: number;
}

export interface Memory {
  afterBootMiB: number;
  afterRunMiB: number;
  peakMiB: number;
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

export interface Report {
  environment: Environment;
  dataset: Dataset;
  bootMs: number;
  memory: Memory;
  scenarios: ScenarioResult[];
  groupComparisons: GroupComparison[];
  /** One GET of each group with its members after the membership scenarios: size and time taken. */
  groupReads: { expected: number; members: number; ms: number; bytes: number }[];
  failures: string[];
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : '–');
const int = (value: number) => Math.round(value).toLocaleString('en-US');

function row(name: string, s: LatencyStats, rssMiB?: number): string {
  const rss = rssMiB === undefined ? '' : int(rssMiB);
  return `| ${name} | ${int(s.reqPerSec)} | ${ms(s.p50)} | ${ms(s.p99)} | ${s.errors} | ${rss} |`;
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
  const { environment: env, dataset: data } = report;
  const lines = [
    `Measured ${env.date} on ${env.cores} × ${env.cpu}, ${env.memoryGiB} GiB RAM, ${env.platform}, Node ${env.node}; ` +
      `autocannon ${env.connections} connections, ${env.durationSeconds} s per scenario, client and server on the same machine.`,
    '',
    `Data: ${int(data.users)} users, ${int(data.groups)} groups (one with ${int(data.bigGroupMembers)} members, ` +
      `one with ${int(data.smallGroupMembers)}), embedded store (SQLite synchronous=FULL). Seeded in ${data.seedSeconds.toFixed(1)} s.`,
    '',
    '| Scenario | req/s | p50 ms | p99 ms | errors | RSS after, MiB |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const scenario of report.scenarios) {
    lines.push(row(scenario.name, scenario.overall, scenario.rssAfterMiB));
    for (const kind of scenario.kinds) lines.push(row(`&nbsp;&nbsp;↳ ${kind.kind} only`, kind));
  }
  lines.push(
    '',
    `Boot (spawn → /health/ready 200, loading everything into memory): ${int(report.bootMs)} ms.`,
    `Resident memory: ${int(report.memory.afterBootMiB)} MiB after boot, ${int(report.memory.afterRunMiB)} MiB after the run, ` +
      `peak ${int(report.memory.peakMiB)} MiB.`,
  );
  if (report.groupComparisons.length > 0) {
    lines.push(
      '',
      `| Member add/remove: big vs small group | ${int(data.smallGroupMembers)} members | ${int(data.bigGroupMembers)} members | ratio | limit | |`,
      '|---|---:|---:|---:|---:|---|',
    );
    for (const c of report.groupComparisons) {
      const fmt = c.metric === 'p99' ? ms : int;
      lines.push(
        `| ${c.operation} ${c.metric} | ${fmt(c.small)} | ${fmt(c.big)} | ${c.ratio.toFixed(2)} | ${c.limit} | ${c.pass ? 'PASS' : 'FAIL'} |`,
      );
    }
  }
  if (report.groupReads.length > 0) lines.push('');
  for (const read of report.groupReads) {
    lines.push(
      `GET of the ${int(read.expected)}-member group, members included, after the run: ${int(read.members)} members, ${(read.bytes / 1e6).toFixed(1)} MB in ${int(read.ms)} ms.`,
    );
  }
  if (report.failures.length > 0) {
    lines.push('', '**FAILED:**', ...report.failures.map((f) => `- ${f}`));
  }
  for (const scenario of report.scenarios.filter((s) => s.errorSamples.length > 0)) {
    lines.push(
      '',
      `Unexpected responses in "${scenario.name}":`,
      ...scenario.errorSamples.map((e) => `- \`${e}\``),
    );
  }
  return `${lines.join('\n')}\n`;
}
