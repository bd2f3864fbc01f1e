import { createTestApp, TestApp } from './harness';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SCIM_JSON = /^application\/scim\+json/;
const ADMIN_TOKEN = 'router-errors-admin-token-0123';

/** Errors Fastify's router raises before any hook or Nest code runs (malformed URL, over-long parameter). */
describe('Router errors (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ adminToken: ADMIN_TOKEN });
  });
  afterAll(() => t.close());

  it('reaches a tenant whose id has the longest length the admin API allows (128)', async () => {
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const id = 'a'.repeat(128);
    const created = await t.app.inject({
      method: 'POST',
      url: '/admin/tenants',
      headers: { ...admin, 'content-type': 'application/json' },
      payload: { id, name: 'Long id' },
    });
    expect(created.statusCode).toBe(201);

    const read = await t.app.inject({ method: 'GET', url: `/admin/tenants/${id}`, headers: admin });

    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id });
  });

  it('answers a malformed percent-encoding in the path with a SCIM 400', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/scim/v2/Users/%E0%A4%A',
      headers: t.authHeader,
    });

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(SCIM_JSON);
    expect(response.json()).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '400',
      detail: 'The request URL is malformed (invalid percent-encoding)',
    });
  });

  it('answers an over-long path parameter with a SCIM 414', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/scim/v2/Users/${'x'.repeat(2000)}`,
      headers: t.authHeader,
    });

    expect(response.statusCode).toBe(414);
    expect(response.headers['content-type']).toMatch(SCIM_JSON);
    expect(response.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '414' });
  });

  it('gives router errors the request id and the API security headers', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/scim/v2/Users/%E0%A4%A',
      headers: { ...t.authHeader, 'x-request-id': 'router-error-1' },
    });

    expect(response.headers['x-request-id']).toBe('router-error-1');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
  });
});
