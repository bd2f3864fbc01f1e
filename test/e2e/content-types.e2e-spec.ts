import { createTestApp, TestApp } from './harness';
import { PROBE_BASE, ProbeModule } from './support/probe.controller';

describe('Request media types (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({}, { imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  it.each([
    'application/scim+json',
    'application/scim+json; charset=utf-8',
    'application/json',
    'application/json; charset=utf-8',
  ])('parses a %s body as JSON', async (contentType) => {
    const response = await t.app.inject({
      method: 'POST',
      url: `${PROBE_BASE}/echo`,
      headers: { ...t.authHeader, 'content-type': contentType },
      payload: '{"userName":"bjensen","active":true}',
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: { userName: 'bjensen', active: true } });
  });

  it('answers SCIM routes with application/scim+json', async () => {
    const response = await t.app.inject({ method: 'GET', url: `${PROBE_BASE}/user`, headers: t.authHeader });

    expect(response.headers['content-type']).toBe('application/scim+json; charset=utf-8');
  });
});
