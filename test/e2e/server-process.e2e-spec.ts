import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { TEST_TOKEN } from './harness';
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

  it('finishes an in-flight request on SIGTERM, refuses new connections, then exits 0 with the write durable', async () => {
    server = await startServer({ env: { RATE_LIMIT_PER_SECOND: '0' } });
    const headers = { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': 'application/scim+json' };
    // A Bulk request of 1000 creates takes a while (each write is fsynced): long enough to be in flight.
    const operations = Array.from({ length: 1000 }, (_, i) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `u${i}`,
      data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `drain-${i}` },
    }));
    const inFlight = fetch(`${server.url}/scim/v2/Bulk`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
        Operations: operations,
      }),
    });
    await new Promise((r) => setTimeout(r, 100));
    server.kill('SIGTERM');

    const response = await inFlight;
    const body = (await response.json()) as { Operations: { status: string }[] };
    expect(response.status).toBe(200);
    expect(body.Operations).toHaveLength(1000);
    expect(body.Operations.every((op) => op.status === '201')).toBe(true);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    await expect(fetch(`${server.url}/health/live`)).rejects.toThrow();
    // The signal really arrived while the request was in flight: it is logged before the request completed.
    const lines = jsonLines(server.output());
    const signalAt = lines.findIndex((l) => String(l.msg).includes('SIGTERM received'));
    const bulkDoneAt = lines.findIndex((l) => l.msg === 'request' && l.route === '/scim/v2/Bulk');
    expect(signalAt).toBeGreaterThanOrEqual(0);
    expect(bulkDoneAt).toBeGreaterThan(signalAt);

    const dataDir = server.dataDir;
    server = await startServer({ dataDir });
    const list = await fetch(`${server.url}/scim/v2/Users?filter=userName%20sw%20%22drain-%22&count=0`, {
      headers,
    });
    expect(await list.json()).toMatchObject({ totalResults: 1000 });
    await server.stop();
    server = undefined;
    rmSync(dataDir, { recursive: true, force: true });
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
