/**
 * `npm run bench:boot`: how long the built server takes to become ready on a large embedded store, and how
 * much memory it holds then (issue 12: 100,000 users and a 100,000-member group, boot ≤ 5 s, RSS ≤ 500 MB).
 *
 * Seeds a DATA_DIR once (bench/seed.ts: BENCH_USERS users, BENCH_GROUPS groups, the first group holding every
 * user), then boots `dist/main.js` BOOT_RUNS times on it, each from spawn to the first 200 of GET /health/ready
 * (bench/server.ts), and reports per boot the time to ready and the resident set size (VmRSS) just after it,
 * then the median and range. With BOOT_COMPARE=<entry.js> of another build, the two builds alternate boot by
 * boot on the same data, so that a burst of background load hits both alike; ratios are what to report.
 *
 * Knobs (environment): BENCH_USERS (100000), BENCH_GROUPS (1000), BOOT_RUNS (5), BOOT_DATA_DIR (a directory
 * to seed once and keep; reused when it already holds a store), BOOT_COMPARE, BOOT_PROFILE=1 to write a V8
 * CPU profile of each boot to bench/results/profiles/.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SQLITE_FILE_NAME } from '../src/store/embedded/embedded.store';
import { seed } from './seed';
import { cpuMsOf, memoryOf, SERVER_ENTRY, startServer } from './server';

const setting = (name: string, fallback: number) => Number(process.env[name] || fallback);
const log = (message: string) => process.stderr.write(`[boot] ${message}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const range = (values: number[]) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;

interface Sample {
  bootMs: number;
  /** CPU time the server used until ready, all its threads (the main one, V8's GC helpers, libuv's pool). */
  cpuMs: number;
  rssMiB: number;
  /** The first SCIM request after ready (Entra's first: a userName filter), which builds what boot deferred. */
  firstRequestMs: number;
  /** RSS after that request. */
  rssAfterFirstMiB: number;
}

async function bootOnce(entry: string, dataDir: string, token: string, profile: boolean): Promise<Sample> {
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${join(__dirname, 'results', 'profiles')}`] : [];
  const server = await startServer(dataDir, token, { entry, nodeArgs });
  try {
    const rssMiB = memoryOf(server.pid).rssMiB;
    const cpuMs = cpuMsOf(server.pid);
    const started = process.hrtime.bigint();
    const response = await fetch(
      `${server.url}/scim/v2/Users?filter=${encodeURIComponent('userName eq "user-1"')}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    const body = (await response.json()) as { totalResults?: number };
    const firstRequestMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (response.status !== 200 || body.totalResults !== 1) {
      throw new Error(`first request: ${response.status} ${JSON.stringify(body)}`);
    }
    return {
      bootMs: server.bootMs,
      cpuMs,
      rssMiB,
      firstRequestMs,
      rssAfterFirstMiB: memoryOf(server.pid).rssMiB,
    };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const users = setting('BENCH_USERS', 100_000);
  const groups = Math.max(2, setting('BENCH_GROUPS', 1000));
  const runs = setting('BOOT_RUNS', 5);
  const keptDir = process.env.BOOT_DATA_DIR;
  const dataDir = keptDir ? resolve(keptDir) : mkdtempSync(join(tmpdir(), 'scim-boot-'));
  const entries = [SERVER_ENTRY, ...(process.env.BOOT_COMPARE ? [resolve(process.env.BOOT_COMPARE)] : [])];
  const token = randomBytes(24).toString('base64url');
  try {
    if (existsSync(join(dataDir, SQLITE_FILE_NAME))) {
      log(`reusing the store in ${dataDir}`);
    } else {
      log(`seeding ${users} users and ${groups} groups (one with ${users} members) into ${dataDir}`);
      const seeded = seed(dataDir, { users, groups, bigGroupMembers: users, smallGroupMembers: 100 });
      log(`seeded in ${seeded.seconds.toFixed(1)} s`);
    }
    const samples = new Map<string, Sample[]>(entries.map((entry) => [entry, []]));
    for (let run = 0; run < runs; run++) {
      // The order flips every run: neither build always boots on a warmer page cache.
      for (const entry of run % 2 === 0 ? entries : [...entries].reverse()) {
        const sample = await bootOnce(entry, dataDir, token, process.env.BOOT_PROFILE === '1');
        samples.get(entry)!.push(sample);
        log(
          `${entry}: ready in ${sample.bootMs.toFixed(0)} ms (CPU ${sample.cpuMs} ms), RSS ${sample.rssMiB.toFixed(0)} MiB; first ` +
            `request ${sample.firstRequestMs.toFixed(0)} ms, RSS then ${sample.rssAfterFirstMiB.toFixed(0)} MiB ` +
            `(load ${loadavg()[0].toFixed(2)})`,
        );
      }
    }
    for (const [entry, list] of samples) {
      const figure = (key: keyof Sample) => {
        const values = list.map((s) => s[key]);
        return `${median(values).toFixed(0)} (${range(values)})`;
      };
      process.stdout.write(
        `${entry} (${list.length} boots, median and range)\n` +
          `  ready ${figure('bootMs')} ms (CPU ${figure('cpuMs')} ms), RSS ${figure('rssMiB')} MiB; first request ` +
          `${figure('firstRequestMs')} ms, RSS then ${figure('rssAfterFirstMiB')} MiB\n`,
      );
    }
    if (entries.length === 2) {
      const [a, b] = entries.map((entry) => samples.get(entry)!);
      for (const key of ['bootMs', 'cpuMs'] as const) {
        const ratios = a.map((s, i) => s[key] / b[i][key]);
        process.stdout.write(
          `${key} ratio this/other: ${median(ratios).toFixed(2)} median ` +
            `(${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})\n`,
        );
      }
    }
    process.stdout.write(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n`,
    );
  } finally {
    if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
