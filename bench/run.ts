/**
 * `npm run bench`: seeds the embedded store, boots the built server on it, and measures the SCIM operations
 * of issue "performance" with autocannon. Prints a Markdown report and writes it, with the raw figures, to
 * bench/results/latest.{md,json}. Exits 1 when a scenario had unexpected responses or when adding/removing a
 * member of a 100,000-member group is more than twice as slow as for a 100-member group.
 *
 * Knobs (environment): BENCH_USERS (100000), BENCH_GROUPS (1000), BENCH_DURATION seconds per scenario (6),
 * BENCH_WARMUP seconds per scenario (1), BENCH_CONNECTIONS (10), BENCH_KEEP_DATA=1 to keep the data directory,
 * BENCH_ONLY=<text> to run only the scenarios whose name contains it, BENCH_PROFILE=1 to write a V8 CPU
 * profile of the server to bench/results/profiles/ (open it in Chrome DevTools).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { LoadOptions, runScenario, Samples, Scenario, ScenarioResult, summarize } from './load';
import { compareGroups, GroupComparison, Report, toMarkdown } from './report';
import { groupScenarioName, scenarios } from './scenarios';
import { seed } from './seed';
import { memoryOf, startServer } from './server';

const RESULTS_DIR = join(__dirname, 'results');
/** The group scenarios run in this many alternating rounds of BENCH_DURATION / GROUP_ROUNDS seconds. */
const GROUP_ROUNDS = 3;

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, not "${raw}"`);
  return value;
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

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

async function main(): Promise<number> {
  const users = setting('BENCH_USERS', 100_000);
  const groups = Math.max(2, setting('BENCH_GROUPS', 1000));
  const durationSeconds = setting('BENCH_DURATION', 6);
  const warmupSeconds = setting('BENCH_WARMUP', 1);
  const connections = setting('BENCH_CONNECTIONS', 10);
  const bigGroupMembers = users;
  const smallGroupMembers = Math.min(100, users);

  const dataDir = mkdtempSync(join(tmpdir(), 'scim-bench-'));
  const token = randomBytes(24).toString('base64url');
  try {
    log(`seeding ${users} users and ${groups} groups into ${dataDir}`);
    const seeded = seed(dataDir, { users, groups, bigGroupMembers, smallGroupMembers });
    log(`seeded in ${seeded.seconds.toFixed(1)} s; booting dist/main.js`);

    const profileDir = join(RESULTS_DIR, 'profiles');
    const server = await startServer(dataDir, token, {
      nodeArgs: process.env.BENCH_PROFILE === '1' ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    const failures: string[] = [];
    let report: Report;
    try {
      const afterBoot = memoryOf(server.pid);
      log(`ready in ${Math.round(server.bootMs)} ms, RSS ${Math.round(afterBoot.rssMiB)} MiB`);

      const load: LoadOptions = { url: server.url, token, connections, durationSeconds };
      const all = scenarios({ ...seeded, bigGroupMembers, smallGroupMembers });
      const small = all.find((s) => s.name === groupScenarioName(smallGroupMembers))!;
      const big = all.find((s) => s.name === groupScenarioName(bigGroupMembers))!;
      const results: ScenarioResult[] = [];
      const record = (result: ScenarioResult) => {
        const o = result.overall;
        log(
          `${result.name}: ${Math.round(o.reqPerSec)} req/s, p50 ${o.p50.toFixed(2)} ms, p99 ${o.p99.toFixed(2)} ms, ` +
            `${o.errors} errors ${JSON.stringify(result.statusCodes)}`,
        );
        if (o.errors > 0 || o.requests === 0) {
          failures.push(
            `${result.name}: ${o.errors} unexpected responses or connection errors of ${o.requests}`,
          );
        }
        results.push({ ...result, rssAfterMiB: memoryOf(server.pid).rssMiB });
      };
      const only = process.env.BENCH_ONLY?.toLowerCase();
      const selected = (s: Scenario) => !only || s.name.toLowerCase().includes(only);
      for (const scenario of all.filter((s) => s !== small && s !== big && selected(s))) {
        // A short unmeasured run first: JIT and caches warm, so the order of scenarios does not matter.
        await runScenario(scenario, { ...load, durationSeconds: warmupSeconds });
        record(summarize(scenario.name, [await runScenario(scenario, load)]));
      }

      let groupComparisons: GroupComparison[] = [];
      let groupReads: Report['groupReads'] = [];
      if (selected(small) || selected(big)) {
        // The two groups are compared with each other: they run in alternating rounds, so that a burst of
        // background load on the machine hits both alike.
        await runScenario(small, { ...load, durationSeconds: warmupSeconds });
        await runScenario(big, { ...load, durationSeconds: warmupSeconds });
        const rounds = { small: [] as Samples[], big: [] as Samples[] };
        const round = { ...load, durationSeconds: durationSeconds / GROUP_ROUNDS };
        for (let i = 0; i < GROUP_ROUNDS; i++) {
          rounds.small.push(await runScenario(small, round));
          rounds.big.push(await runScenario(big, round));
        }
        const smallResult = summarize(small.name, rounds.small);
        const bigResult = summarize(big.name, rounds.big);
        record(smallResult);
        record(bigResult);
        groupComparisons = compareGroups(smallResult, bigResult);
        for (const c of groupComparisons.filter((g) => !g.pass)) {
          failures.push(
            `member ${c.operation} ${c.metric}: the ${bigGroupMembers}-member group is ${c.ratio.toFixed(2)}× worse than the ${smallGroupMembers}-member group (limit ${c.limit}×)`,
          );
        }
        // Read back: the member count must be what it was (each pass re-adds what it removed).
        groupReads = [
          await readGroup(server.url, token, seeded.smallGroupId, smallGroupMembers),
          await readGroup(server.url, token, seeded.bigGroupId, bigGroupMembers),
        ];
        for (const read of groupReads.filter((r) => r.members !== r.expected)) {
          failures.push(`a group has ${read.members} members after the run, expected ${read.expected}`);
        }
      }
      const afterRun = memoryOf(server.pid);

      const cpuList = cpus();
      report = {
        environment: {
          date: new Date().toISOString().slice(0, 10),
          node: process.version,
          cpu: cpuList[0]?.model.trim() ?? 'unknown CPU',
          cores: cpuList.length,
          memoryGiB: Math.round(totalmem() / 2 ** 30),
          platform: `${platform()} ${release()}`,
          connections,
          durationSeconds,
        },
        dataset: { users, groups, bigGroupMembers, smallGroupMembers, seedSeconds: seeded.seconds },
        bootMs: server.bootMs,
        memory: {
          afterBootMiB: afterBoot.rssMiB,
          afterRunMiB: afterRun.rssMiB,
          peakMiB: afterRun.peakRssMiB,
        },
        scenarios: results,
        groupComparisons,
        groupReads,
        failures,
      };
    } finally {
      await server.stop();
      const stderr = server.stderr().trim();
      if (stderr) log(`server stderr:\n${stderr.slice(-2000)}`);
      if (process.env.BENCH_PROFILE === '1') log(`CPU profile written to ${profileDir}`);
    }

    const markdown = toMarkdown(report);
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'latest.md'), markdown);
    writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`\n${markdown}\nWritten to ${join(RESULTS_DIR, 'latest.md')} and latest.json\n`);
    return failures.length > 0 ? 1 : 0;
  } finally {
    if (process.env.BENCH_KEEP_DATA === '1') log(`data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
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
