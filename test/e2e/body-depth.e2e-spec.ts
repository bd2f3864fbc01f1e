import { Readable } from 'node:stream';
import { createTestApp, TestApp } from './harness';
import { ADMIN_TOKEN } from './support/tenants';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/** JSON text of `levels` arrays (or objects) nested around 1, built as text: JSON.stringify would overflow. */
function nestedJson(levels: number, kind: 'array' | 'object' = 'array'): string {
  return kind === 'array'
    ? `${'['.repeat(levels)}1${']'.repeat(levels)}`
    : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

const TOO_DEEP = {
  schemas: [ERROR_SCHEMA],
  status: '400',
  scimType: 'invalidSyntax',
  detail: 'Request body is nested deeper than 64 levels',
};

/**
 * Issue 11 "500s from deeply nested JSON": every body nested deeper than MAX_BODY_DEPTH is refused at the edge
 * with 400 invalidSyntax, before validation, PATCH, Bulk or class-transformer walk it (they recursed into a
 * stack overflow, answered 500).
 */
describe('Request body nesting (e2e)', () => {
  let t: TestApp;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp({ adminToken: ADMIN_TOKEN, rateLimitPerSecond: 0, bulkMaxPayloadSize: 40_000 });
    userId = (await send('POST', '/scim/v2/Users', `{"schemas":["${USER_SCHEMA}"],"userName":"deep"}`)).json()
      .id;
  });
  afterAll(() => t.close());

  function send(method: 'POST' | 'PUT' | 'PATCH', url: string, payload: string, admin = false) {
    return t.app.inject({
      method,
      url,
      headers: {
        authorization: admin ? `Bearer ${ADMIN_TOKEN}` : t.authHeader.authorization,
        'content-type': 'application/scim+json',
      },
      payload,
    });
  }

  const deep = nestedJson(5000);
  it.each([
    [
      'POST /Users',
      'POST',
      '/scim/v2/Users',
      `{"schemas":["${USER_SCHEMA}"],"userName":"x","title":${deep}}`,
    ],
    ['PUT /Users/:id', 'PUT', 'USER', `{"schemas":["${USER_SCHEMA}"],"userName":"x","emails":${deep}}`],
    [
      'PATCH /Users/:id',
      'PATCH',
      'USER',
      `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","path":"title","value":${deep}}]}`,
    ],
    [
      'POST /Bulk',
      'POST',
      '/scim/v2/Bulk',
      `{"schemas":["${BULK_REQUEST}"],"Operations":[{"method":"POST","path":"/Users","bulkId":"a","data":${nestedJson(5000, 'object')}}]}`,
    ],
    ['POST /.search', 'POST', '/scim/v2/Users/.search', `{"schemas":["${SEARCH_REQUEST}"],"count":${deep}}`],
  ] as const)('%s nested 5,000 levels is 400 invalidSyntax', async (_label, method, url, payload) => {
    const response = await send(method, url === 'USER' ? `/scim/v2/Users/${userId}` : url, payload);

    expect(response.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect({ status: response.statusCode, body: response.json() }).toEqual({ status: 400, body: TOO_DEEP });
  });

  it('refuses an admin body nested 2,000 levels with 400', async () => {
    const response = await send(
      'POST',
      '/admin/tenants',
      `{"name":"x","settings":${nestedJson(2000, 'object')}}`,
      true,
    );

    expect({ status: response.statusCode, body: response.json() }).toEqual({ status: 400, body: TOO_DEEP });
  });

  it('counts brackets inside strings as text, not as nesting', async () => {
    const response = await send(
      'POST',
      '/scim/v2/Users',
      JSON.stringify({ schemas: [USER_SCHEMA], userName: 'brackets', title: `${'[{'.repeat(200)}"\\` }),
    );

    expect(response.statusCode).toBe(201);
    expect(response.json().title).toBe(`${'[{'.repeat(200)}"\\`);
  });

  it('sizes a chunked Bulk request (no Content-Length) by the bytes received', async () => {
    // 41,000 bytes of whitespace: the parsed body re-serialised is far below BULK_MAX_PAYLOAD_SIZE (40,000), the
    // body as sent is above it.
    const payload = `{"schemas":["${BULK_REQUEST}"],${' '.repeat(41_000)}"Operations":[]}`;
    const response = await t.app.inject({
      method: 'POST',
      url: '/scim/v2/Bulk',
      headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
      payload: Readable.from([Buffer.from(payload)]),
    });

    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '413' });
  });
});

describe('MAX_BODY_DEPTH (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ maxBodyDepth: 4 });
  });
  afterAll(() => t.close());

  function echo(payload: string) {
    return t.app.inject({
      method: 'POST',
      url: '/scim/v2/Users/.search',
      headers: { ...t.authHeader, 'content-type': 'application/json' },
      payload,
    });
  }

  it('accepts a body nested exactly MAX_BODY_DEPTH levels', async () => {
    const response = await echo(
      '{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"x":[[{}]]}',
    );

    expect(response.json().detail ?? '').not.toContain('nested deeper');
  });

  it('refuses one level more with the configured limit in the detail', async () => {
    const response = await echo(
      '{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"x":[[[{}]]]}',
    );

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ ...TOO_DEEP, detail: 'Request body is nested deeper than 4 levels' });
  });
});
