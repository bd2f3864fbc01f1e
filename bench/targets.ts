import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RequestSpec, Scenario } from './load';
import { ObservedResponse, shapeDifferences } from './calibrate';
import { BASELINE_SEED_FILE, BaselineSeed } from './baseline/baseline-data';

export const BASELINE_ENTRY = resolve(__dirname, 'baseline', 'fastify-baseline.ts');
/** The minimal Nest app of `--nest-floor`, on the same data as the bare baseline. */
export const NEST_FLOOR_ENTRY = resolve(__dirname, 'baseline', 'nest-floor.ts');
export const TS_NODE = ['-r', 'ts-node/register/transpile-only'];

/**
 * Issue 12's settings for our server: the defaults, logging at info (startServer's LOG_LEVEL), metrics on (always
 * on), and the per-credential rate limiter on, with a limit no run reaches (so it is paid for, never triggered).
 */
export const SERVER_SETTINGS: Record<string, string> = {
  LOG_LEVEL: 'info',
  RATE_LIMIT_PER_SECOND: '1000000',
  RATE_LIMIT_BURST: '1000000',
};

export interface Pinning {
  /** Prefix of the servers' command line (`taskset -c 0`), empty when not pinned. */
  serverWrapper: string[];
  description: string;
}

/**
 * With two cores or more and taskset available: servers on core 0, this process (the load generator, all its
 * threads) on core 1. Otherwise nothing is pinned and the description says why.
 */
export function pinCores(): Pinning {
  const cores = cpus().length;
  if (cores < 2) return { serverWrapper: [], description: `not pinned: ${cores} core` };
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  } catch (e) {
    return {
      serverWrapper: [],
      description: `not pinned: taskset failed (${(e as Error).message.split('\n')[0]})`,
    };
  }
  return {
    serverWrapper: ['taskset', '-c', '0'],
    description: `servers on core 0, load generator on core 1 of ${cores} (taskset)`,
  };
}

/**
 * Writes the baseline's data: the users exactly as our server returns them (paged out of it), and the groups of
 * the scenarios with their members, so that the two serve the same data in the same JSON.
 */
export async function dumpForBaseline(
  url: string,
  token: string,
  groups: { id: string; members: string[] }[],
  file: string,
): Promise<void> {
  const get = async (path: string) => {
    const response = await fetch(`${url}/scim/v2${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const users: Record<string, unknown>[] = [];
  for (let startIndex = 1; ; startIndex += 1000) {
    const page = await get(`/Users?startIndex=${startIndex}&count=1000`);
    const resources = page.Resources as Record<string, unknown>[];
    users.push(...resources);
    if (resources.length === 0 || users.length >= Number(page.totalResults)) break;
  }
  const seed: BaselineSeed = { users, groups: [] };
  for (const group of groups) {
    seed.groups.push({
      id: group.id,
      resource: await get(`/Groups/${group.id}?excludedAttributes=members`),
      members: group.members,
    });
  }
  writeFileSync(file, JSON.stringify(seed));
}

async function send(url: string, token: string, spec: RequestSpec): Promise<ObservedResponse> {
  const response = await fetch(`${url}${spec.path}`, {
    method: spec.method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/scim+json',
      ...(spec.body === undefined ? {} : { 'content-type': 'application/scim+json' }),
    },
    body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
  });
  return { status: response.status, body: await response.text() };
}

/** Runs `build` with Math.random replaced by a small deterministic generator (mulberry32) seeded with `seed`. */
function withSeededRandom<T>(seed: number, build: () => T): T {
  const original = Math.random;
  let state = seed >>> 0;
  Math.random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  try {
    return build();
  } finally {
    Math.random = original;
  }
}

/**
 * One pass of the scenario's steps on ours and on each other target (each with its own scenario instance),
 * comparing every step's answers of each other target with ours: same status, same JSON key paths. Throws, naming
 * the step, the target and the differences, when they diverge, or when ours is not the answer the scenario
 * expects: a ratio to a baseline that answers something else is no ratio.
 */
export async function checkSameShape(
  token: string,
  ours: { url: string; scenario: Scenario },
  ...others: { url: string; scenario: Scenario; label: string }[]
): Promise<void> {
  const contexts = [ours, ...others].map(() => ({}) as Record<string, unknown>);
  for (let step = 0; step < ours.scenario.steps.length; step++) {
    // Every target draws the same "random" user or page, so that their answers are comparable key by key.
    const specA = withSeededRandom(step + 1, () => ours.scenario.steps[step](contexts[0]));
    const a = await send(ours.url, token, specA);
    if (a.status !== specA.expect) {
      throw new Error(
        `${ours.scenario.name}, step ${step + 1} (${specA.method} ${specA.path}): ours answered ${a.status}, ` +
          `the scenario expects ${specA.expect}\nours: ${a.body.slice(0, 400)}`,
      );
    }
    for (const [i, other] of others.entries()) {
      const specB = withSeededRandom(step + 1, () => other.scenario.steps[step](contexts[i + 1]));
      const b = await send(other.url, token, specB);
      const problems = shapeDifferences(a, b);
      if (problems.length > 0) {
        throw new Error(
          `${ours.scenario.name}, step ${step + 1} (${specA.method} ${specA.path}): ours and ${other.label} diverge: ` +
            `${problems.join('; ')}\nours: ${a.body.slice(0, 400)}\n${other.label}: ${b.body.slice(0, 400)}`,
        );
      }
    }
  }
  for (const target of [ours, ...others])
    await target.scenario.settle?.({ url: target.url, token, connections: 1, durationSeconds: 0 });
}

export const baselineSeedFile = (dataDir: string) => join(dataDir, BASELINE_SEED_FILE);
