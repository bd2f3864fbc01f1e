/**
 * The shipped dashboard against a real Prometheus (issue 14, "Tested for real"): the server listens on loopback,
 * a `prometheus` binary (Debian's package, installed by .ci/run) scrapes it every second with the shipped alert
 * rules loaded, SCIM traffic with errors, 429s, failed authentications and change-stream deliveries runs, and
 * then every query of docker/grafana/scim-stream.json goes through Prometheus's HTTP API: each must parse and
 * return at least one series. A dashboard query naming a metric the server does not expose fails here.
 *
 * Skipped LOUDLY when no `prometheus` binary is on the PATH.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mongoPoolMetrics from '../../../src/store/mongo/mongo-pool.metrics';
import {
  ALERTS_FILE,
  asPrometheusQuery,
  baseMetricName,
  dashboardQueries,
  metricNames,
} from '../../ops/dashboard';
import { createTestApp, TestApp } from '../harness';
import { freePort } from '../server-process';
import { freshClientAddress } from '../support/credentials';
import { ADMIN_HEADER, ADMIN_TOKEN, createTenantWithToken } from '../support/tenants';
import { WebhookReceiver } from '../support/webhook-receiver';

const PROMETHEUS_BINARY = 'prometheus';
const hasPrometheus = spawnSync(PROMETHEUS_BINARY, ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasPrometheus) {
  console.warn(
    '\n[scim-stream] no `prometheus` binary on the PATH: the dashboard e2e suite (test/e2e/ops) is SKIPPED. ' +
      'Install it with `apt-get install -y --no-install-recommends prometheus` (.ci/run does).\n',
  );
}
const describeWithPrometheus = hasPrometheus ? describe : describe.skip;

/**
 * Metrics that exist only with the MongoDB store (registered by src/store/mongo, absent with the embedded store
 * this suite runs): queries naming only these must parse and return no series. Each name must be one the
 * adapter declares, so a typo in the dashboard still fails.
 */
const NEEDS_MONGODB = [
  'scim_mongodb_pool_checkouts_total',
  'scim_mongodb_pool_checkout_failures_total',
  'scim_mongodb_pool_checkout_wait_seconds',
  'scim_mongodb_pool_connections_in_use',
  'scim_mongodb_pool_checkouts_waiting',
  'scim_mongodb_pool_max_size',
  'scim_mongodb_pool_cleared_total',
  'scim_mongodb_heartbeat_failures_total',
  'scim_mongodb_server_selection_failures_total',
];

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

interface QueryAnswer {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

describeWithPrometheus('Dashboard queries against a real Prometheus (e2e)', () => {
  jest.setTimeout(120_000);
  let t: TestApp;
  let base: string;
  let receiver: WebhookReceiver;
  let prometheus: ChildProcess | undefined;
  let prometheusUrl: string;
  let prometheusOutput = '';
  let workDir: string;

  async function scim(
    method: string,
    path: string,
    auth: { authorization: string },
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${base}/scim/v2${path}`, {
      method,
      headers: {
        ...auth,
        ...freshClientAddress(),
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    };
  }

  async function query(expr: string): Promise<QueryAnswer> {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await response.json()) as QueryAnswer;
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`${what}: timed out; prometheus said:\n${prometheusOutput}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    t = await createTestApp({ adminToken: ADMIN_TOKEN, streamRetryBaseMs: 50, streamRetryMaxMs: 200 });
    await t.app.listen(0, '127.0.0.1');
    const port = (t.app.getHttpServer().address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;

    workDir = mkdtempSync(join(tmpdir(), 'scim-prometheus-'));
    copyFileSync(ALERTS_FILE, join(workDir, 'alerts.yml'));
    writeFileSync(
      join(workDir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'rule_files: [alerts.yml]',
        'scrape_configs:',
        '  - job_name: scim-stream',
        `    static_configs: [{ targets: ["127.0.0.1:${port}"] }]`,
        '',
      ].join('\n'),
    );
    const prometheusPort = await freePort();
    prometheusUrl = `http://127.0.0.1:${prometheusPort}`;
    prometheus = spawn(
      PROMETHEUS_BINARY,
      [
        `--config.file=${join(workDir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(workDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${prometheusPort}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (chunk: Buffer) => (prometheusOutput += chunk.toString()));
    prometheus.stderr?.on('data', (chunk: Buffer) => (prometheusOutput += chunk.toString()));
    await until('prometheus ready', async () =>
      (await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined,
    );

    receiver = new WebhookReceiver();
    // The "refusing" consumer answers 400: its events are rejected and dead-lettered.
    receiver.answer = (request) => ({ status: request.path.includes('refusing') ? 400 : 204 });
    await receiver.start();

    // Prometheus applies its targets a few seconds after start: the server is scraped before the traffic, so
    // that every counter has a sample from before it.
    await until('scrapes before the traffic', async () => {
      const answer = await query('count_over_time(up{job="scim-stream"}[1m])');
      return Number(answer.data?.result[0]?.value[1]) >= 2 ? true : undefined;
    });
    await driveTraffic();

    // Two scrapes after the traffic, so that rate() over 1m has samples of every series the traffic created.
    const trafficEnd = Date.now() / 1000;
    await until('two scrapes after the traffic', async () => {
      const answer = await query('timestamp(up{job="scim-stream"})');
      const at = Number(answer.data?.result[0]?.value[1]);
      return at > trafficEnd + 2 ? true : undefined;
    });
  });

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await receiver?.stop();
    await t?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  /** What an Entra tenant does, plus what goes wrong: errors of every kind, 429s, bad tokens, a refusing consumer. */
  async function driveTraffic(): Promise<void> {
    const auth = await createTenantWithToken(t, 'contoso');
    const throttled = await createTenantWithToken(t, 'throttled', {
      rateLimit: { requestsPerSecond: 1, burst: 2 },
    });
    for (const name of ['accepting', 'refusing']) {
      const created = await fetch(`${base}/admin/tenants/contoso/subscriptions`, {
        method: 'POST',
        headers: { ...ADMIN_HEADER, 'content-type': 'application/json' },
        body: JSON.stringify({ name, delivery: { method: 'webhook', url: `${receiver.url}?${name}` } }),
      });
      expect(created.status).toBe(201);
    }

    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await scim('POST', '/Users', auth, {
        schemas: [USER_SCHEMA],
        userName: `user${i}@contoso.com`,
      });
      expect(created.status).toBe(201);
      ids.push(created.body.id as string);
    }
    const group = await scim('POST', '/Groups', auth, {
      schemas: [GROUP_SCHEMA],
      displayName: 'Engineering',
      members: ids.slice(0, 3).map((value) => ({ value })),
    });
    expect(group.status).toBe(201);
    expect(
      (await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "user1@contoso.com"')}`, auth))
        .status,
    ).toBe(200);
    expect((await scim('DELETE', `/Users/${ids[4]}`, auth)).status).toBe(204);
    // Errors: a duplicate (409 uniqueness), a bad filter (400 invalidFilter), an unknown id (404), a stale If-Match (412).
    expect(
      (await scim('POST', '/Users', auth, { schemas: [USER_SCHEMA], userName: 'user0@contoso.com' })).status,
    ).toBe(409);
    expect((await scim('GET', `/Users?filter=${encodeURIComponent('userName zz "x"')}`, auth)).status).toBe(
      400,
    );
    expect((await scim('GET', '/Users/00000000-0000-0000-0000-000000000000', auth)).status).toBe(404);
    expect(
      (
        await scim(
          'PUT',
          `/Users/${ids[0]}`,
          auth,
          { schemas: [USER_SCHEMA], userName: 'user0@contoso.com' },
          { 'if-match': 'W/"stale"' },
        )
      ).status,
    ).toBe(412);
    // 429s: the throttled tenant's burst is 2.
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await scim('GET', '/Users', throttled)).status);
    expect(codes).toContain(429);
    // Failed authentications (each from its own address, so that no block hits the rest of the suite).
    expect((await scim('GET', '/Users', { authorization: 'Bearer not-a-token-0123456789' })).status).toBe(
      401,
    );
    expect((await fetch(`${base}/scim/v2/Users`, { headers: freshClientAddress() })).status).toBe(401);
    // One address blocked: the default limit is exceeded from it, then it gets 429.
    const blocked = freshClientAddress();
    const blockedCodes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await fetch(`${base}/scim/v2/Users`, {
        headers: { ...blocked, authorization: 'Bearer wrong-0123456789abcdef' },
      });
      blockedCodes.push(response.status);
    }
    expect(blockedCodes).toContain(429);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);

    // Both consumers have had the events: acknowledged by one, dead-lettered by the other.
    await receiver.waitFor(() => receiver.received.some((r) => r.path.includes('refusing')));
    await until('deliveries done', async () => {
      const metrics = await (await fetch(`${base}/metrics`)).text();
      return /^scim_stream_dead_letters_total\{method="webhook"\} [1-9]/m.test(metrics) &&
        /^scim_stream_delivery_latency_seconds_count\{method="webhook"\} [1-9]/m.test(metrics)
        ? true
        : undefined;
    });
  }

  it('loads the shipped alert rules and evaluates every one of them without error', async () => {
    const rules = await until('rules evaluated', async () => {
      const answer = (await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as {
        data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
      };
      const all = answer.data.groups.flatMap((g) => g.rules);
      return all.length > 0 && all.every((r) => r.health !== 'unknown') ? all : undefined;
    });

    expect(rules).toHaveLength(8);
    expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
  });

  it('declares every metric of the MongoDB allow-list in the Mongo adapter', () => {
    const declared = new Set<unknown>(Object.values(mongoPoolMetrics));

    expect(NEEDS_MONGODB.filter((name) => !declared.has(name))).toEqual([]);
  });

  const queries = dashboardQueries();

  it('has queries to run', () => {
    expect(queries.length).toBeGreaterThan(30);
  });

  it.each(queries)('runs "$panel" through Prometheus: it parses and returns series', async ({ expr }) => {
    const promql = asPrometheusQuery(expr);
    const names = metricNames(promql).map(baseMetricName);
    const mongoOnly = names.length > 0 && names.every((name) => NEEDS_MONGODB.includes(name));

    const answer = await query(promql);

    expect({ promql, status: answer.status, error: answer.error }).toEqual({
      promql,
      status: 'success',
      error: undefined,
    });
    if (mongoOnly) {
      // Without MongoDB these metrics are not exposed at all: the query must parse and be empty.
      expect({ promql, series: answer.data?.result.length }).toEqual({ promql, series: 0 });
    } else {
      expect({ promql, hasSeries: (answer.data?.result.length ?? 0) >= 1 }).toEqual({
        promql,
        hasSeries: true,
      });
    }
  });

  it('keeps MongoDB metrics out of an embedded-store server, and raw ids and filters out of every label', async () => {
    const metrics = await (await fetch(`${base}/metrics`)).text();

    for (const name of NEEDS_MONGODB) expect(metrics).not.toContain(name);
    expect(metrics).not.toContain('contoso.com');
    expect(metrics).not.toContain('00000000-0000');
    expect(metrics).toMatch(/^scim_tenant_rate_limited_total\{tenant="throttled"\} [1-9]/m);
    expect(metrics).toMatch(/^scim_errors_total\{status="409",scim_type="uniqueness"\} 1$/m);
    expect(metrics).toMatch(/^scim_resources\{tenant="contoso",resource_type="User"\} 4$/m);
    expect(metrics).toMatch(/^scim_resources\{tenant="contoso",resource_type="Group"\} 1$/m);
  });
});
