import { StoreHealth } from '../../src/store/ports';
import { createTestApp, TestApp } from './harness';
import { PROBE_BASE, ProbeModule } from './support/probe.controller';

describe('Probes, metrics, docs and request ids (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({}, { imports: [ProbeModule] });
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  describe('health', () => {
    it('answers /health/live without a token', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/health/live' });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'ok' });
    });

    it('answers /health/ready with the store up', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/health/ready' });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'ok', info: { store: { status: 'up' } } });
    });

    it('answers /health/ready with 503 when the store is down', async () => {
      jest.spyOn(t.app.get(StoreHealth), 'ping').mockRejectedValue(new Error('connection refused'));

      const response = await t.app.inject({ method: 'GET', url: '/health/ready' });

      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        status: 'error',
        error: { store: { status: 'down', message: 'connection refused' } },
      });
    });

    it('keeps /health/live up when the store is down', async () => {
      jest.spyOn(t.app.get(StoreHealth), 'ping').mockRejectedValue(new Error('connection refused'));

      expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    });
  });

  describe('metrics', () => {
    it('serves Prometheus metrics without a token', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/metrics' });

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.body).toContain('process_cpu_user_seconds_total');
      expect(response.body).toContain('# TYPE http_request_duration_seconds histogram');
    });

    it('labels requests with the route template, never the URL', async () => {
      await t.app.inject({
        method: 'GET',
        url: `${PROBE_BASE}/users/2819c223-7f76-453a-919d`,
        headers: t.authHeader,
      });

      const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;

      expect(body).toMatch(
        /http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/scim\/v2\/__probe\/users\/:id",status="200"\}/,
      );
      expect(body).not.toContain('2819c223-7f76');
    });

    it('labels requests that match no route "unmatched"', async () => {
      await t.app.inject({ method: 'GET', url: '/definitely/not/a/route-4711' });

      const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;

      expect(body).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} [1-9]/,
      );
      expect(body).not.toContain('route-4711');
    });

    it('counts SCIM errors by status and scimType, and ends every request it counted in flight', async () => {
      await t.app.inject({
        method: 'GET',
        url: '/scim/v2/Users?filter=userName%20zz%20%22x%22',
        headers: t.authHeader,
      });
      await t.app.inject({ method: 'GET', url: '/scim/v2/Users/does-not-exist', headers: t.authHeader });

      const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;

      expect(body).toMatch(/^scim_errors_total\{status="400",scim_type="invalidFilter"\} [1-9]/m);
      expect(body).toMatch(/^scim_errors_total\{status="404",scim_type="none"\} [1-9]/m);
      expect(body).not.toContain('does-not-exist');
      // Only the scrape itself is in flight while /metrics renders.
      expect(body).toMatch(/^http_requests_in_flight 1$/m);
    });

    it('counts errors raised before Nest (body parsing)', async () => {
      await t.app.inject({
        method: 'POST',
        url: `${PROBE_BASE}/echo`,
        headers: { ...t.authHeader, 'content-type': 'application/json' },
        payload: '{',
      });

      const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;

      expect(body).toMatch(
        /http_request_duration_seconds_count\{method="POST",route="\/scim\/v2\/__probe\/echo",status="400"\} 1/,
      );
    });
  });

  describe('docs', () => {
    it('serves the OpenAPI document with bearer auth', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/docs-json' });

      expect(response.statusCode).toBe(200);
      const document = response.json();
      expect(document.openapi).toMatch(/^3\./);
      expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(document.security).toEqual([{ bearer: [] }]);
    });

    it('serves the Swagger UI without a token', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/docs' });

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
    });
  });

  describe('request ids and logs', () => {
    it('echoes a sane incoming X-Request-Id', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/health/live',
        headers: { 'x-request-id': 'lb-1234' },
      });

      expect(response.headers['x-request-id']).toBe('lb-1234');
    });

    it('generates an id when the incoming one is not sane', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/health/live',
        headers: { 'x-request-id': 'a b"c' },
      });

      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('puts the request id on error responses too', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/nowhere',
        headers: { 'x-request-id': 'err-77' },
      });

      expect(response.headers['x-request-id']).toBe('err-77');
    });

    it('writes one structured line per request with the route template', async () => {
      await t.app.inject({
        method: 'GET',
        url: `${PROBE_BASE}/user?filter=secret`,
        headers: { ...t.authHeader, 'x-request-id': 'line-1' },
      });

      const lines = t.logs.lines().filter((l) => l.requestId === 'line-1');
      expect(lines).toEqual([
        {
          level: 'info',
          time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          requestId: 'line-1',
          msg: 'request',
          method: 'GET',
          route: `${PROBE_BASE}/user`,
          status: 200,
          durationMs: expect.any(Number),
        },
      ]);
      expect(t.logs.text()).not.toContain('filter=secret');
    });

    it('does not send X-Powered-By', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/health/live' });

      expect(response.headers['x-powered-by']).toBeUndefined();
    });
  });
});
