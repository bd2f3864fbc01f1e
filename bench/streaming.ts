/**
 * Streaming benchmark (issue "Streaming"): per transport (SSE, NATS JetStream, webhook) the commit-to-consumer
 * latency at 200 writes/s and the drain rate of a 100,000-event backlog, and SCIM write throughput with three
 * active subscriptions vs none. Runs the built server (npm run build) with ADMIN_TOKEN and, when the machine's
 * NATS answers on 127.0.0.1:4222, NATS_URL. Subscriptions are made through the admin API. Every target is on
 * loopback; every loop is bounded. Goals: p50 ≤ 5 ms, p99 ≤ 50 ms, drain ≥ 10,000 events/s, ratio ≥ 0.9.
 *
 * The consumers run in a process of their own (bench/stream-consumers.ts), as the apps consuming the stream
 * would. Nothing is pinned by default (the server may use both cores, as a deployment would); with
 * BENCH_STREAM_PIN=1 the server gets core 0 and this process and the consumers core 1 (pinCores, as in npm run
 * bench), which makes the server's CPU the limit. Each throughput round also reports the CPU time per write of
 * the server, the bench, the consumers and nats-server.
 */
import { ChildProcess, fork } from 'node:child_process';
import { createConnection } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { cpuMsOf, startServer } from './server';
import { execFileSync } from 'node:child_process';
import { userBody } from './seed';
import type { ConsumerCommand, ConsumerReport, Method } from './stream-consumers';
import { pinCores } from './targets';

const TOKEN = 'bench-stream-token-0123456789abcdef';
const ADMIN = 'bench-stream-admin-0123456789abcdef';
const TENANT = 'default';
const NATS_URL = 'nats://127.0.0.1:4222';
const STREAM = `SCIM_BENCH_${process.pid}`;
/** The bench's own subjects, so that it never collides with a test run's stream on the same NATS. */
const SUBJECT_PREFIX = `bench${process.pid}`;
const RATE = 200;
/** Writes outstanding at once during the latency part. */
const MAX_IN_FLIGHT = 32;
const LATENCY_SECONDS = 10;
const BACKLOG = Number(process.env.BENCH_STREAM_BACKLOG ?? 100_000);

interface Tally {
  count: number;
  latencies: number[];
}

/** The consumer process (bench/stream-consumers.ts) and what each of its consumers has received so far. */
class ConsumerProcess {
  readonly child: ChildProcess = fork(join(__dirname, 'stream-consumers.ts'), [], {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
  });
  readonly hookUrl: Promise<string>;
  private readonly tallies = new Map<string, Tally>();
  private readonly waiting = new Map<string, () => void>();

  constructor() {
    this.hookUrl = new Promise((resolve) => {
      this.child.on('message', (report: ConsumerReport) => {
        if (report.kind === 'ready') return resolve(report.hookUrl);
        if (report.kind === 'received') {
          const tally = this.tallies.get(report.key);
          if (tally) {
            tally.count += report.count;
            for (const latency of report.latencies) tally.latencies.push(latency);
          }
          return;
        }
        this.waiting.get(`${report.kind} ${report.key}`)?.();
      });
    });
  }

  received(key: string): number {
    return this.tallies.get(key)?.count ?? 0;
  }

  async open(command: Extract<ConsumerCommand, { cmd: 'open' }>): Promise<void> {
    this.tallies.set(command.key, { count: 0, latencies: [] });
    await this.request(command, 'opened');
  }

  /** Closes the consumer; what it received, with every latency. */
  async close(key: string): Promise<Tally> {
    await this.request({ cmd: 'close', key }, 'closed');
    const tally = this.tallies.get(key)!;
    this.tallies.delete(key);
    return tally;
  }

  private request(command: ConsumerCommand, answer: 'opened' | 'closed'): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.set(`${answer} ${command.key}`, resolve);
      this.child.send(command);
    });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

async function natsReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: 4222 });
    socket.once('connect', () => resolve(socket.end() && true));
    socket.once('error', () => resolve(false));
  });
}

/**
 * The bench's own JetStream stream, created before the server starts (which then finds it, as a deployment's
 * would be). Streams of earlier runs that were killed are deleted first: a stream's subjects may not overlap
 * another's, so a leftover stream owning `scim.>` would keep this run's stream from being created.
 */
async function prepareNatsStream(): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const info of jsm.streams.list()) {
      if (info.config.name.startsWith('SCIM_BENCH_')) await jsm.streams.delete(info.config.name);
    }
    await jsm.streams.add({ name: STREAM, subjects: [`${SUBJECT_PREFIX}.>`] });
  } finally {
    await nc.close();
  }
}

/** The sequence the bench's stream gives its next message. */
async function nextStreamSeq(): Promise<number> {
  const nc = await connect({ servers: NATS_URL });
  try {
    return (await (await jetstreamManager(nc)).streams.info(STREAM)).state.last_seq + 1;
  } finally {
    await nc.close();
  }
}

/** The local nats-server's pid, for its CPU time (undefined when it is not a process of this machine). */
function natsServerPid(): number | undefined {
  try {
    const pid = Number(execFileSync('pgrep', ['-o', 'nats-server'], { encoding: 'utf8' }).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** CPU ms used so far by the server, this process, the consumers and nats-server (NaN when unknown). */
function cpuSample(serverPid: number, consumersPid: number, natsPid: number | undefined) {
  const own = process.cpuUsage();
  return {
    server: cpuMsOf(serverPid),
    bench: (own.user + own.system) / 1000,
    consumers: cpuMsOf(consumersPid),
    nats: natsPid === undefined ? NaN : cpuMsOf(natsPid),
  };
}

async function main(): Promise<void> {
  const withNats = await natsReachable();
  if (!withNats) console.warn('NATS is not reachable on 127.0.0.1:4222: the NATS parts are SKIPPED');
  else await prepareNatsStream();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-stream-'));
  const env: Record<string, string> = { ADMIN_TOKEN: ADMIN, SSE_HEARTBEAT_SECONDS: '15' };
  if (withNats) Object.assign(env, { NATS_URL, NATS_STREAM: STREAM, NATS_SUBJECT_PREFIX: SUBJECT_PREFIX });
  // BENCH_STREAM_PROFILE=1: a V8 CPU profile of the server, in bench/results/profiles (like npm run bench --profile).
  const nodeArgs = process.env.BENCH_STREAM_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${join(__dirname, 'results', 'profiles')}`]
    : [];
  const pinning = process.env.BENCH_STREAM_PIN
    ? pinCores()
    : { serverWrapper: [], description: 'not pinned (BENCH_STREAM_PIN=1 pins)' };
  console.log(pinning.description);
  const server = await startServer(dataDir, TOKEN, { env, nodeArgs, wrapper: pinning.serverWrapper });
  const consumers = new ConsumerProcess();
  const hookUrl = await consumers.hookUrl;
  const scim = (path: string, body: unknown, method = 'POST') =>
    fetch(`${server.url}/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify(body),
    });
  const admin = async (path: string, body?: unknown, method = 'POST') => {
    const response = await fetch(`${server.url}/admin/tenants/${TENANT}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
  };

  /** One subscription (the admin API's POST) and its consumer in the consumer process. */
  async function subscribe(method: Method, startAt: unknown) {
    const delivery = method === 'webhook' ? { method, url: hookUrl, maxBatchSize: 100 } : { method };
    const natsStartSeq = method === 'nats' ? await nextStreamSeq() : undefined;
    const created = await admin('/subscriptions', { name: `bench-${method}`, delivery, startAt });
    const id = created.id as string;
    await consumers.open({
      cmd: 'open',
      key: id,
      method,
      url: `${server.url}/events/${id}`,
      token: created.token as string | undefined,
      natsUrl: NATS_URL,
      stream: STREAM,
      natsStartSeq,
    });
    return {
      id,
      received: () => consumers.received(id),
      async close(): Promise<Tally> {
        const tally = await consumers.close(id);
        await admin(`/subscriptions/${id}`, undefined, 'DELETE');
        return tally;
      },
    };
  }

  let n = 0;
  const createUser = () => scim('/Users', userBody(`bench-stream-${n++}`));
  // BENCH_STREAM_ONLY=nats (or sse, webhook): that transport alone.
  const methods = (
    withNats ? (['sse', 'nats', 'webhook'] as Method[]) : (['sse', 'webhook'] as Method[])
  ).filter((m) => !process.env.BENCH_STREAM_ONLY || m === process.env.BENCH_STREAM_ONLY);
  const results: Record<string, unknown> = {};
  // BENCH_STREAM_PARTS=throughput (or latency, drain; comma-separated): only those parts, e.g. to profile one.
  const parts = (process.env.BENCH_STREAM_PARTS ?? 'latency,drain,throughput').split(',');

  for (const method of parts.includes('latency') ? methods : []) {
    // 1. Latency at RATE writes/s: commit time (event.time) to receipt, both on this machine's clock.
    const sub = await subscribe(method, 'now');
    const total = RATE * LATENCY_SECONDS;
    const started = Date.now();
    // Open loop, but bounded: a machine that cannot keep RATE up gets at most MAX_IN_FLIGHT writes queued (not
    // thousands of connections timing out), and the report says which rate was achieved.
    const inFlight = new Set<Promise<unknown>>();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      const write = createUser().finally(() => inFlight.delete(write));
      inFlight.add(write);
    }
    await Promise.all(inFlight);
    const achievedRate = total / ((Date.now() - started) / 1000);
    for (let waited = 0; sub.received() < total && waited < 30_000; waited += 100)
      await new Promise((r) => setTimeout(r, 100));
    const latencies = (await sub.close()).latencies.sort((a, b) => a - b);
    results[`latency ${method}`] = {
      events: latencies.length,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      writesPerSecond: Math.round(achievedRate),
    };
    console.log(method, 'latency', results[`latency ${method}`]);
  }

  // 2. Backlog: BACKLOG journal entries written through Bulk, then each transport drains them from the start.
  const bulkSize = 1000;
  const drainMethods = parts.includes('drain') ? methods : [];
  for (let written = 0; drainMethods.length > 0 && written < BACKLOG; written += bulkSize) {
    const Operations = Array.from({ length: Math.min(bulkSize, BACKLOG - written) }, (_, i) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `b${i}`,
      data: userBody(`bench-backlog-${written + i}`),
    }));
    await scim('/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations });
  }
  for (const method of drainMethods) {
    const started = Date.now();
    const sub = await subscribe(method, 'earliest');
    for (let waited = 0; sub.received() < BACKLOG && waited < 120_000; waited += 50)
      await new Promise((r) => setTimeout(r, 50));
    const seconds = (Date.now() - started) / 1000;
    const received = (await sub.close()).count;
    results[`drain ${method}`] = {
      events: received,
      seconds,
      eventsPerSecond: Math.round(received / seconds),
    };
    console.log(method, 'drain', results[`drain ${method}`]);
  }

  // 3. SCIM write throughput, three subscriptions vs none, alternating rounds, with the CPU time per write of
  // each process.
  const natsPid = withNats ? natsServerPid() : undefined;
  async function throughput(seconds: number): Promise<{ rate: number; cpu: string }> {
    const before = cpuSample(server.pid, consumers.child.pid!, natsPid);
    const deadline = Date.now() + seconds * 1000;
    let done = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() < deadline) {
          await createUser();
          done++;
        }
      }),
    );
    const after = cpuSample(server.pid, consumers.child.pid!, natsPid);
    const perWrite = (key: keyof typeof after) => (((after[key] - before[key]) * 1000) / done).toFixed(0);
    return {
      rate: done / seconds,
      cpu:
        `CPU µs/write: server ${perWrite('server')}, bench ${perWrite('bench')}, ` +
        `consumers ${perWrite('consumers')}, nats ${perWrite('nats')}`,
    };
  }
  const withSubscriptions = async (seconds = 5) => {
    const subs = await Promise.all(methods.map((m) => subscribe(m, 'now')));
    const result = await throughput(seconds);
    await Promise.all(subs.map((s) => s.close()));
    return result;
  };
  // BENCH_STREAM_PARTS=subscribed: 20 s of writes with the subscriptions only, to profile what delivery costs.
  if (parts.includes('subscribed')) console.log('subscribed:', await withSubscriptions(20));
  const ratios: number[] = [];
  for (let round = 0; round < (parts.includes('throughput') ? 4 : 0); round++) {
    // The order flips every round, so that a drift of the machine's load favours neither side.
    let none: { rate: number; cpu: string }, three: { rate: number; cpu: string };
    if (round % 2 === 0) {
      none = await throughput(5);
      three = await withSubscriptions();
    } else {
      three = await withSubscriptions();
      none = await throughput(5);
    }
    ratios.push(three.rate / none.rate);
    console.log(`round ${round + 1}: ${none.rate.toFixed(0)} writes/s without (${none.cpu})`);
    console.log(`         ${three.rate.toFixed(0)} writes/s with subscriptions (${three.cpu})`);
  }
  if (ratios.length > 0)
    results.throughputRatio = { rounds: ratios, min: Math.min(...ratios), max: Math.max(...ratios) };
  console.log(JSON.stringify(results, null, 2));

  await server.stop();
  consumers.child.disconnect();
  if (withNats) {
    const nc = await connect({ servers: NATS_URL });
    await (await jetstreamManager(nc)).streams.delete(STREAM).catch(() => undefined);
    await nc.close();
  }
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
