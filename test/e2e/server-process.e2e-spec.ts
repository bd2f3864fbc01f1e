import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SERVER_ENTRY, ServerProcess, startServer } from './server-process';

/** Runs against the BUILT server (`npm run build`); skipped, loudly, when dist/main.js is missing. */
const built = existsSync(SERVER_ENTRY);
if (!built) {
  console.warn(
    `\n[scim-stream] ${SERVER_ENTRY} is missing: the built-server e2e suite is SKIPPED (run npm run build).\n`,
  );
}
const describeBuilt = built ? describe : describe.skip;

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describeBuilt('Built server process (e2e)', () => {
  let server: ServerProcess | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('serves over real HTTP and logs JSON lines only', async () => {
    server = await startServer();

    const response = await fetch(`${server.url}/health/ready`, { headers: { 'X-Request-Id': 'proc-1' } });

    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('proc-1');
    await server.waitForOutput('"requestId":"proc-1"');
    expect(jsonLines(server.output()).some((l) => l.msg === 'request' && l.requestId === 'proc-1')).toBe(
      true,
    );
  });

  it('exits 0 on SIGTERM after shutting down', async () => {
    server = await startServer();

    server.kill('SIGTERM');
    const exit = await server.exited;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('SIGTERM received');
  });

  it('prints a generated token once when started without SCIM_TOKEN', async () => {
    server = await startServer({ env: { SCIM_TOKEN: undefined } });

    const warnings = jsonLines(server.output()).filter((l) =>
      String(l.msg).includes('generated bearer token'),
    );

    expect(warnings).toHaveLength(1);
    expect(warnings[0].level).toBe('warn');
  });

  it('refuses to start with an invalid configuration, naming every bad variable', () => {
    const result = spawnSync(process.execPath, [SERVER_ENTRY], {
      env: { ...process.env, PORT: 'abc', LOG_LEVEL: 'loud', MONGODB_URI: '' },
      encoding: 'utf8',
      timeout: 20000,
    });

    expect(result.status).toBe(1);
    const [line] = jsonLines(result.stderr);
    expect(line).toMatchObject({
      level: 'fatal',
      msg:
        'Invalid configuration: PORT must be an integer between 1 and 65535 (got "abc"); ' +
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace (got "loud")',
    });
  });
});
