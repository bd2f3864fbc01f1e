import { createTestApp, TestApp } from './harness';
import { PROBE_BASE, ProbeModule } from './support/probe.controller';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const SCIM_JSON = /^application\/scim\+json/;

describe('HTTP errors (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ bodyLimit: 4096 }, { imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  function post(contentType: string | undefined, payload: string) {
    const headers: Record<string, string> = { ...t.authHeader };
    if (contentType !== undefined) headers['content-type'] = contentType;
    return t.app.inject({ method: 'POST', url: `${PROBE_BASE}/echo`, headers, payload });
  }

  it('answers an unknown route with a SCIM 404', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/scim/v2/Nothing?filter=userName%20eq%20%22x%22',
      headers: t.authHeader,
    });

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(SCIM_JSON);
    expect(response.json()).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '404',
      detail: 'No route for GET "/scim/v2/Nothing"',
    });
  });

  it('answers an unknown route with 404 before authentication', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/nowhere' });

    expect(response.statusCode).toBe(404);
  });

  it('answers malformed JSON with 400 invalidSyntax', async () => {
    const response = await post('application/scim+json', '{"userName": ');

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(SCIM_JSON);
    expect(response.json()).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '400',
      scimType: 'invalidSyntax',
      detail: 'Request body is not valid JSON',
    });
  });

  it('answers an empty JSON body with 400 invalidSyntax', async () => {
    const response = await post('application/json', '');

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  });

  it('refuses a prototype-poisoning body as invalid JSON', async () => {
    const response = await post('application/json', '{"__proto__": {"admin": true}}');

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ scimType: 'invalidSyntax' });
  });

  it('answers a body over BODY_LIMIT with 413', async () => {
    const response = await post('application/scim+json', JSON.stringify({ userName: 'x'.repeat(5000) }));

    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toMatch(SCIM_JSON);
    expect(response.json()).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '413',
      detail: 'Request body exceeds the limit of 4096 bytes',
    });
  });

  it('answers an unsupported media type with 415', async () => {
    const response = await post('text/plain', 'userName=bjensen');

    expect(response.statusCode).toBe(415);
    expect(response.headers['content-type']).toMatch(SCIM_JSON);
    expect(response.json()).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '415',
      detail: 'Unsupported Content-Type "text/plain": send application/scim+json or application/json',
    });
  });

  it('answers a form body with 415', async () => {
    const response = await post('application/x-www-form-urlencoded', 'a=1');

    expect(response.statusCode).toBe(415);
  });

  it('renders a ScimError as it is', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `${PROBE_BASE}/scim-error`,
      headers: t.authHeader,
    });

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(SCIM_JSON);
    expect(response.json()).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '400',
      scimType: 'invalidFilter',
      detail: 'Unexpected token at position 7',
    });
  });

  describe('an unexpected exception', () => {
    it('answers 500 with the request id as correlation id and nothing else', async () => {
      const response = await t.app.inject({
        method: 'GET',
        url: `${PROBE_BASE}/boom`,
        headers: { ...t.authHeader, 'x-request-id': 'corr-500' },
      });

      expect(response.statusCode).toBe(500);
      expect(response.headers['content-type']).toMatch(SCIM_JSON);
      expect(response.json()).toEqual({
        schemas: [ERROR_SCHEMA],
        status: '500',
        detail: 'Internal server error; correlation id corr-500',
      });
      expect(response.body).not.toContain('hunter2');
      expect(response.body).not.toContain('probe.controller');
    });

    it('is logged with its stack under the same request id', async () => {
      await t.app.inject({
        method: 'GET',
        url: `${PROBE_BASE}/boom`,
        headers: { ...t.authHeader, 'x-request-id': 'corr-log' },
      });

      const logged = t.logs.lines().find((l) => l.requestId === 'corr-log' && l.level === 'error');
      expect(logged).toMatchObject({
        msg: 'unhandled exception',
        err: { message: 'database password is hunter2' },
      });
      expect((logged?.err as { stack: string }).stack).toContain('ProbeController.boom');
    });
  });
});
