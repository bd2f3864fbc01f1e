import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TEST_TOKEN } from './harness';

export const SERVER_ENTRY = resolve(__dirname, '..', '..', 'dist', 'main.js');

export interface ServerProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** Waits until the output contains `text` (log lines arrive through a pipe, after the response). */
  waitForOutput(text: string, timeoutMs?: number): Promise<void>;
  /** Sends a signal (SIGKILL to simulate a crash, SIGTERM for a graceful stop) without waiting. */
  kill(signal?: NodeJS.Signals): void;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, wait for exit (SIGKILL after `timeoutMs`), delete the DATA_DIR if it was created here. */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartServerOptions {
  /** Environment of the server, on top of PORT/HOST/DATA_DIR/SCIM_TOKEN/LOG_LEVEL chosen here. */
  env?: Record<string, string | undefined>;
  /** Reuse a data directory (restart after a crash); a fresh temporary one otherwise. */
  dataDir?: string;
  /** How long to wait for /health/ready. */
  readyTimeoutMs?: number;
}

/** A free TCP port on 127.0.0.1 (PORT must be 1..65535, so the server cannot pick one itself). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts the BUILT server (`node dist/main.js`, run `npm run build` first) as a child process and waits until
 * GET /health/ready answers 200. Used by durability tests (kill -9, restart on the same DATA_DIR).
 */
export async function startServer(options: StartServerOptions = {}): Promise<ServerProcess> {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'scim-server-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.MONGODB_URI;
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SCIM_TOKEN: TEST_TOKEN,
    LOG_LEVEL: 'info',
  });
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }

  const child = spawn(process.execPath, [SERVER_ENTRY], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit({ code, signal })),
  );
  let hasExited = false;
  void exited.then(() => (hasExited = true));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20000);
  for (;;) {
    if (hasExited) throw new Error(`server exited before becoming ready:\n${output}`);
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after ${options.readyTimeoutMs ?? 20000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    port,
    dataDir,
    child,
    output: () => output,
    async waitForOutput(text: string, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (Date.now() > until)
          throw new Error(`"${text}" not in the server output after ${timeoutMs} ms:\n${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    kill: (signal = 'SIGTERM') => {
      if (!hasExited) child.kill(signal);
    },
    exited,
    async stop(timeoutMs = 10000) {
      if (!hasExited) child.kill('SIGTERM');
      const timer = setTimeout(() => !hasExited && child.kill('SIGKILL'), timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
      return result;
    },
  };
}
