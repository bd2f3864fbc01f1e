import { spawnSync } from 'node:child_process';

/** The Redis of this machine and of CI; REDIS_URL may point elsewhere. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether a TCP connection to the Redis of TEST_REDIS_URL succeeds within a second. Synchronous (a child
 * process), because jest decides describe vs describe.skip while collecting tests.
 */
export function redisReachable(url = TEST_REDIS_URL): boolean {
  const { hostname, port } = new URL(url);
  const probe = `
    const socket = require('node:net').connect(${Number(port || 6379)}, ${JSON.stringify(hostname || '127.0.0.1')});
    socket.on('connect', () => process.exit(0));
    socket.on('error', () => process.exit(1));
    setTimeout(() => process.exit(1), 1000);`;
  return spawnSync(process.execPath, ['-e', probe], { timeout: 3000 }).status === 0;
}
