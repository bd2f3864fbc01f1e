import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { freePort } from '../test/e2e/server-process';
import { resolve } from 'node:path';

export const SERVER_ENTRY = resolve(__dirname, '..', 'dist', 'main.js');

export interface BenchServer {
  url: string;
  pid: number;
  /** Spawn → first 200 from GET /health/ready, in milliseconds. */
  bootMs: number;
  /** What the server wrote to stderr (warnings, fatal errors). */
  stderr(): string;
  stop(): Promise<void>;
}

export interface MemorySample {
  /** Resident set size now, MiB (VmRSS). */
  rssMiB: number;
  /** Peak resident set size so far, MiB (VmHWM). */
  peakRssMiB: number;
}

/**
 * CPU time the process has used (user + system, ms), from /proc/<pid>/stat (clock ticks of 10 ms). On a busy
 * machine it moves far less than the wall time, which includes waiting for a core.
 */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** VmRSS and VmHWM of a process, from /proc (Linux only). */
export function memoryOf(pid: number): MemorySample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
}

/**
 * Starts the built server (`node dist/main.js`) on `dataDir` and waits for readiness. Request logs stay on
 * (LOG_LEVEL=info, as in production) but go to /dev/null, so that nobody pays for reading them but the server.
 */
export async function startServer(
  dataDir: string,
  token: string,
  options: {
    timeoutMs?: number;
    nodeArgs?: string[];
    env?: Record<string, string>;
    /** Another build's dist/main.js (bench/compare.ts); this checkout's by default. */
    entry?: string;
    /** A command that execs node, e.g. `['taskset', '-c', '0']` to pin the server to a core. */
    wrapper?: string[];
  } = {},
): Promise<BenchServer> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  // A concurrent `nest build` empties dist/ for a few seconds: wait for it rather than fail.
  const entry = options.entry ?? SERVER_ENTRY;
  for (let waited = 0; !existsSync(entry); waited += 500) {
    if (waited >= 60_000) throw new Error(`${entry} is missing: run \`npm run build\` first`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.MONGODB_URI;
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SCIM_TOKEN: token,
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
    // The per-credential rate limit (200 req/s by default) would measure itself, not the server.
    RATE_LIMIT_PER_SECOND: '0',
    ...options.env,
  });
  const started = process.hrtime.bigint();
  const command = [...(options.wrapper ?? []), process.execPath, ...(options.nodeArgs ?? []), entry];
  // A wrapper such as taskset execs node, so the child's pid is the server's (memoryOf reads the right process).
  const child: ChildProcess = spawn(command[0], command.slice(1), {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited = false;
  const exit = new Promise<void>((done) =>
    child.once('exit', () => {
      exited = true;
      done();
    }),
  );

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`server exited before becoming ready:\n${stderr}`);
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after ${timeoutMs} ms:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const bootMs = Number(process.hrtime.bigint() - started) / 1e6;

  return {
    url,
    pid: child.pid!,
    bootMs,
    stderr: () => stderr,
    async stop() {
      if (!exited) child.kill('SIGTERM');
      // A CPU profile is written at exit: with a large one that takes longer than a normal shutdown.
      const graceMs = options.nodeArgs?.includes('--cpu-prof') ? 120_000 : 15_000;
      const timer = setTimeout(() => !exited && child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}
