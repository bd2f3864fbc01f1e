/**
 * `npm run bench:compare -- <other checkout>`: is this build slower than another one? Both builds run at the same
 * time on the same data set (each seeded by its own checkout's bench/seed.ts, so each reads the storage format
 * it expects), and every scenario of bench/scenarios.ts alternates between them in short rounds, the order
 * flipping every round, so that a burst of background load on a shared machine hits both alike. Reports per
 * scenario the median ratio (this build / other) of the rounds and its range.
 *
 * The other checkout must be built (`npm run build` there) and share this one's dependencies. Knobs: BENCH_USERS
 * (100000), BENCH_GROUPS (1000), BENCH_ROUNDS (6), BENCH_ROUND_SECONDS (2), BENCH_CONNECTIONS (10), BENCH_ONLY (parts of scenario names, comma-separated). Pinned
 * like npm run bench (servers on core 0, this process on core 1) when the machine has two cores.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Scenario } from './load';
import { alternateRounds } from './rounds';
import { scenarios } from './scenarios';
import { seed, SeedResult } from './seed';
import { BenchServer, memoryOf, startServer } from './server';
import { pinCores } from './targets';

const setting = (name: string, fallback: number) => Number(process.env[name] || fallback);
const log = (message: string) => process.stderr.write(`[compare] ${message}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

interface Target {
  label: string;
  server: BenchServer;
  all: Scenario[];
}

/** Seeds `dataDir` with the other checkout's own seeder, in a child process running in that checkout. */
function seedWith(checkout: string, dataDir: string, options: object): SeedResult {
  const script = `process.stdout.write(JSON.stringify(require('./bench/seed').seed(${JSON.stringify(dataDir)}, ${JSON.stringify(options)})))`;
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
    cwd: checkout,
    maxBuffer: 1 << 30,
  });
  return JSON.parse(out.toString()) as SeedResult;
}

async function main(): Promise<void> {
  const other = resolve(process.argv[2] ?? '');
  if (!process.argv[2]) throw new Error('usage: npm run bench:compare -- <path of another built checkout>');
  const users = setting('BENCH_USERS', 100_000);
  const options = {
    users,
    groups: setting('BENCH_GROUPS', 1000),
    bigGroupMembers: users,
    smallGroupMembers: Math.min(100, users),
  };
  const rounds = setting('BENCH_ROUNDS', 6);
  const roundSeconds = setting('BENCH_ROUND_SECONDS', 2);
  const connections = setting('BENCH_CONNECTIONS', 10);
  const token = randomBytes(24).toString('base64url');
  const dirs = [
    mkdtempSync(join(tmpdir(), 'scim-compare-a-')),
    mkdtempSync(join(tmpdir(), 'scim-compare-b-')),
  ];
  const targets: Target[] = [];
  try {
    // Like npm run bench: both servers on core 0 and this process on core 1 when there are two cores.
    const pinning = pinCores();
    log(`pinning: ${pinning.description}`);
    log(`seeding ${users} users twice`);
    const seeds = [seed(dirs[0], options), seedWith(other, dirs[1], options)];
    const entries = [undefined, join(other, 'dist', 'main.js')];
    const labels = ['this build', other];
    for (let i = 0; i < 2; i++) {
      const server = await startServer(dirs[i], token, { entry: entries[i], wrapper: pinning.serverWrapper });
      log(
        `${labels[i]}: ready in ${Math.round(server.bootMs)} ms, RSS ${Math.round(memoryOf(server.pid).rssMiB)} MiB`,
      );
      targets.push({ label: labels[i], server, all: scenarios({ ...seeds[i], ...options }) });
    }
    // BENCH_ONLY: parts of scenario names, comma-separated; a scenario runs when its name contains one of them.
    const only = process.env.BENCH_ONLY?.toLowerCase().split(',').filter(Boolean);
    const names = targets[0].all
      .map((s) => s.name)
      .filter((n) => !only || only.some((part) => n.toLowerCase().includes(part)));
    const lines = [
      `| scenario | this build req/s | other req/s | ratio (median of ${rounds} rounds) | range | CPU µs/request (this, other) | CPU ratio (other/this) | range |`,
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    ];
    for (const name of names) {
      const { rates: rateByLabel, cpuUsPerRequest } = await alternateRounds(
        targets.map((t) => ({
          label: t.label,
          url: t.server.url,
          pid: t.server.pid,
          scenario: t.all.find((s) => s.name === name)!,
        })),
        { token, connections, rounds, roundSeconds, warmupSeconds: 1 },
      );
      const rates = targets.map((t) => rateByLabel[t.label]);
      const ratios = rates[0].map((r, i) => r / rates[1][i]);
      // CPU time per request moves far less than req/s when other processes take the core for a while.
      const cpu = targets.map((t) => cpuUsPerRequest[t.label]);
      const cpuRatios = cpu[0].map((c, i) => cpu[1][i] / c);
      const range = (values: number[]) =>
        `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
      const line =
        `| ${name} | ${Math.round(median(rates[0]))} | ${Math.round(median(rates[1]))} | ${median(ratios).toFixed(2)} | ${range(ratios)} ` +
        `| ${Math.round(median(cpu[0]))}, ${Math.round(median(cpu[1]))} | ${median(cpuRatios).toFixed(2)} | ${range(cpuRatios)} |`;
      log(line);
      lines.push(line);
    }
    process.stdout.write(
      `\nThis build vs ${other} (ratios > 1: this build is faster, or uses less CPU per request)\n\n${lines.join('\n')}\n`,
    );
  } finally {
    for (const t of targets) await t.server.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
