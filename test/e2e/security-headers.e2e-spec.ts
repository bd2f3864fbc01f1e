import { API_CSP, DOCS_CSP, HSTS } from '../../src/http/security-headers';
import { createTestApp, TestApp } from './harness';

/** Headers every API response carries, success or error. */
const API_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': API_CSP,
  'cache-control': 'no-store',
  'cross-origin-resource-policy': 'same-origin',
  'x-permitted-cross-domain-policies': 'none',
};

describe('Security headers (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  function expectNoBanner(headers: Record<string, unknown>): void {
    expect(headers['x-powered-by']).toBeUndefined();
    expect(headers.server).toBeUndefined();
  }

  it('are on a SCIM response, without a framework banner', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/scim/v2/Users', headers: t.authHeader });

    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject(API_HEADERS);
    expectNoBanner(response.headers);
  });

  it('are on a 401', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/scim/v2/Users' });

    expect(response.statusCode).toBe(401);
    expect(response.headers).toMatchObject(API_HEADERS);
    expectNoBanner(response.headers);
  });

  it('are on a 404 of an unknown route', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/nowhere', headers: t.authHeader });

    expect(response.statusCode).toBe(404);
    expect(response.headers).toMatchObject(API_HEADERS);
  });

  it('are on a 400 raised by the body parser', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
      payload: '{ not json',
    });

    expect(response.statusCode).toBe(400);
    expect(response.headers).toMatchObject(API_HEADERS);
  });

  it('are on the probes and metrics', async () => {
    for (const url of ['/health/live', '/metrics']) {
      const response = await t.app.inject({ method: 'GET', url });

      // Terminus sets its own `no-cache, no-store, must-revalidate` on the probes.
      expect(response.headers).toMatchObject({
        ...API_HEADERS,
        'cache-control': expect.stringContaining('no-store'),
      });
    }
  });

  it('include Strict-Transport-Security only when the request came over https', async () => {
    const plain = await t.app.inject({ method: 'GET', url: '/scim/v2/Users', headers: t.authHeader });
    const secure = await t.app.inject({
      method: 'GET',
      url: '/scim/v2/Users',
      headers: { ...t.authHeader, 'x-forwarded-proto': 'https' },
    });

    expect(plain.headers['strict-transport-security']).toBeUndefined();
    expect(secure.headers['strict-transport-security']).toBe(HSTS);
  });

  describe('Swagger UI', () => {
    it('is served at /docs with a CSP that lets it run', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/docs' });

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['content-security-policy']).toBe(DOCS_CSP);
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['cache-control']).not.toBe('no-store');
      expectNoBanner(response.headers);
    });

    it('has only same-origin scripts (script-src self), and they load', async () => {
      const html = (await t.app.inject({ method: 'GET', url: '/docs' })).body;

      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      const scripts = [...html.matchAll(/<script[^>]*\ssrc=["']([^"']+)["']/g)].map((m) => m[1]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const src of scripts) {
        expect(src).not.toMatch(/^(https?:)?\/\//);
        // Relative to the page, http://host/docs.
        const url = new URL(src, 'http://localhost/docs').pathname;
        const script = await t.app.inject({ method: 'GET', url });
        expect({ url, status: script.statusCode }).toEqual({ url, status: 200 });
        expect(script.headers['content-security-policy']).toBe(DOCS_CSP);
      }
    });

    it('serves the OpenAPI document at /docs-json', async () => {
      const response = await t.app.inject({ method: 'GET', url: '/docs-json' });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toHaveProperty('openapi');
    });
  });
});
