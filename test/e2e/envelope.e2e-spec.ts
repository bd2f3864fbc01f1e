import { createTestApp, TestApp } from './harness';
import { PROBE_BASE, PROBE_USER, ProbeModule } from './support/probe.controller';

describe('SCIM response envelope (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({}, { imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  const inject = (method: 'GET' | 'POST' | 'DELETE', path: string) =>
    t.app.inject({ method, url: `${PROBE_BASE}/${path}`, headers: t.authHeader });

  it('wraps a ListResult into a ListResponse', async () => {
    const response = await inject('GET', 'list');

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 7,
      startIndex: 3,
      itemsPerPage: 1,
      Resources: [PROBE_USER],
    });
  });

  it('sets ETag from meta.version on a read', async () => {
    const response = await inject('GET', 'user');

    expect(response.headers.etag).toBe('W/"3"');
    expect(response.headers.location).toBeUndefined();
  });

  it('sets Location and ETag on a 201', async () => {
    const response = await inject('POST', 'user');

    expect(response.statusCode).toBe(201);
    expect(response.headers.location).toBe(PROBE_USER.meta.location);
    expect(response.headers.etag).toBe('W/"3"');
    expect(response.json()).toEqual(PROBE_USER);
  });

  it('lets a ScimResponse choose the status', async () => {
    const response = await inject('POST', 'user-explicit');

    expect(response.statusCode).toBe(201);
    expect(response.headers.location).toBe(PROBE_USER.meta.location);
  });

  it('sends 204 without a body', async () => {
    const response = await inject('DELETE', 'user');

    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
  });

  it('sends 304 with the ETag and without a body', async () => {
    const response = await inject('GET', 'not-modified');

    expect(response.statusCode).toBe(304);
    expect(response.headers.etag).toBe('W/"3"');
    expect(response.body).toBe('');
  });
});
