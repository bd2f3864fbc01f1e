import { createTestApp, TestApp } from './harness';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

/** Every hard limit, configured small, answered with its exact SCIM error (never a crash). */
describe('Hard limits (e2e)', () => {
  let t: TestApp;
  let userId: string;
  let groupId: string;

  beforeAll(async () => {
    t = await createTestApp({
      bodyLimit: 4096,
      filterMaxLength: 64,
      filterMaxDepth: 3,
      patchMaxOperations: 3,
      patchMaxValuesPerOperation: 5,
      defaultPageSize: 2,
      maxPageSize: 2,
      bulkMaxOperations: 2,
      bulkMaxPayloadSize: 1024,
      attributeMaxLength: 64,
      rateLimitPerSecond: 0,
    });
    userId = (await send('POST', '/scim/v2/Users', { schemas: [USER_SCHEMA], userName: 'limits-1' })).json()
      .id;
    await send('POST', '/scim/v2/Users', { schemas: [USER_SCHEMA], userName: 'limits-2' });
    await send('POST', '/scim/v2/Users', { schemas: [USER_SCHEMA], userName: 'limits-3' });
    groupId = (
      await send('POST', '/scim/v2/Groups', { schemas: [GROUP_SCHEMA], displayName: 'limits' })
    ).json().id;
  });
  afterAll(() => t.close());

  function send(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) {
    return t.app.inject({
      method,
      url,
      headers: {
        ...t.authHeader,
        ...(payload === undefined ? {} : { 'content-type': 'application/scim+json' }),
      },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
  }

  function expectError(
    response: Awaited<ReturnType<typeof send>>,
    status: number,
    scimType: string | undefined,
    detail: string,
  ): void {
    expect(response.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect({ statusCode: response.statusCode, body: response.json() }).toEqual({
      statusCode: status,
      body: { schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail },
    });
  }

  const patch = (operations: unknown[]) => ({ schemas: [PATCH_OP], Operations: operations });

  it('BODY_LIMIT: a larger body is 413', async () => {
    const response = await send('POST', '/scim/v2/Users', {
      schemas: [USER_SCHEMA],
      userName: 'big',
      nickName: 'x'.repeat(5000),
    });

    expectError(response, 413, undefined, 'Request body exceeds the limit of 4096 bytes');
  });

  it('FILTER_MAX_LENGTH: a longer filter is 400 invalidFilter', async () => {
    const filter = `userName eq "${'a'.repeat(60)}"`;

    const response = await send('GET', `/scim/v2/Users?filter=${encodeURIComponent(filter)}`);

    expectError(
      response,
      400,
      'invalidFilter',
      `The filter is ${filter.length} characters long; the maximum is 64`,
    );
  });

  it('FILTER_MAX_LENGTH applies to POST .search too', async () => {
    const filter = `userName eq "${'a'.repeat(60)}"`;

    const response = await send('POST', '/scim/v2/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter,
    });

    expectError(
      response,
      400,
      'invalidFilter',
      `The filter is ${filter.length} characters long; the maximum is 64`,
    );
  });

  it('FILTER_MAX_DEPTH: deeper nesting is 400 invalidFilter', async () => {
    const filter = '((((userName eq "a"))))';

    const response = await send('GET', `/scim/v2/Users?filter=${encodeURIComponent(filter)}`);

    expectError(response, 400, 'invalidFilter', 'The filter nests deeper than 3 levels at position 4');
  });

  it('PATCH_MAX_OPERATIONS: more operations is 400 tooMany', async () => {
    const operation = { op: 'replace', path: 'nickName', value: 'n' };

    const response = await send(
      'PATCH',
      `/scim/v2/Users/${userId}`,
      patch([operation, operation, operation, operation]),
    );

    expectError(response, 400, 'tooMany', 'The request has 4 operations; at most 3 are accepted per PATCH');
  });

  it('PATCH_MAX_VALUES_PER_OPERATION: more values in one operation is 400 tooMany', async () => {
    const members = Array.from({ length: 6 }, (_, i) => ({ value: `member-${i}` }));

    const response = await send(
      'PATCH',
      `/scim/v2/Groups/${groupId}`,
      patch([{ op: 'add', path: 'members', value: members }]),
    );

    expectError(
      response,
      400,
      'tooMany',
      'Operations[0] has 6 values; at most 5 are accepted in one operation',
    );
  });

  it('PATCH_MAX_VALUES_PER_OPERATION counts the lists of a path-less value too', async () => {
    const emails = Array.from({ length: 6 }, (_, i) => ({ value: `u${i}@example.com` }));

    const response = await send(
      'PATCH',
      `/scim/v2/Users/${userId}`,
      patch([{ op: 'add', value: { emails } }]),
    );

    expectError(
      response,
      400,
      'tooMany',
      'Operations[0] has 6 values; at most 5 are accepted in one operation',
    );
  });

  it('PATCH_MAX_VALUES_PER_OPERATION admits exactly the limit', async () => {
    const emails = Array.from({ length: 5 }, (_, i) => ({ value: `u${i}@example.com` }));

    const response = await send(
      'PATCH',
      `/scim/v2/Users/${userId}`,
      patch([{ op: 'add', path: 'emails', value: emails }]),
    );

    expect(response.statusCode).toBe(200);
  });

  it('MAX_PAGE_SIZE: a larger count is capped, not refused', async () => {
    const response = await send('GET', '/scim/v2/Users?count=10');

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ totalResults: 3, itemsPerPage: 2, startIndex: 1 });
    expect(response.json().Resources).toHaveLength(2);
  });

  it('BULK_MAX_OPERATIONS: more operations is 413 tooMany', async () => {
    const operation = {
      method: 'POST',
      path: '/Users',
      bulkId: 'b',
      data: { schemas: [USER_SCHEMA], userName: 'b' },
    };

    const response = await send('POST', '/scim/v2/Bulk', {
      schemas: [BULK_REQUEST],
      Operations: [operation, { ...operation, bulkId: 'c' }, { ...operation, bulkId: 'd' }],
    });

    expectError(response, 413, 'tooMany', 'The number of operations (3) exceeds the maxOperations (2).');
  });

  it('BULK_MAX_PAYLOAD_SIZE: a larger bulk body is 413 tooMany', async () => {
    const payload = {
      schemas: [BULK_REQUEST],
      Operations: [
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'p',
          data: { schemas: [USER_SCHEMA], userName: 'p', nickName: 'n'.repeat(1500) },
        },
      ],
    };
    const bytes = Buffer.byteLength(JSON.stringify(payload));

    const response = await send('POST', '/scim/v2/Bulk', payload);

    expectError(
      response,
      413,
      'tooMany',
      `The size of the bulk operation (${bytes} bytes) exceeds the maxPayloadSize (1024).`,
    );
  });

  describe('ATTRIBUTE_MAX_LENGTH', () => {
    const tooLong = 'x'.repeat(65);

    it('refuses a longer string on POST with 400 invalidValue', async () => {
      const response = await send('POST', '/scim/v2/Users', {
        schemas: [USER_SCHEMA],
        userName: 'long',
        displayName: tooLong,
      });

      expectError(
        response,
        400,
        'invalidValue',
        "Attribute 'displayName' is 65 characters long; at most 64 are accepted",
      );
    });

    it('checks sub-attributes and multi-valued elements', async () => {
      const response = await send('POST', '/scim/v2/Users', {
        schemas: [USER_SCHEMA],
        userName: 'long',
        emails: [{ value: 'a@example.com' }, { value: `${tooLong}@example.com` }],
      });

      expectError(
        response,
        400,
        'invalidValue',
        "Attribute 'emails[1].value' is 77 characters long; at most 64 are accepted",
      );
    });

    it('checks the password too', async () => {
      const response = await send('POST', '/scim/v2/Users', {
        schemas: [USER_SCHEMA],
        userName: 'long',
        password: tooLong,
      });

      expectError(
        response,
        400,
        'invalidValue',
        "Attribute 'password' is 65 characters long; at most 64 are accepted",
      );
    });

    it('checks attributes of undeclared extensions', async () => {
      const urn = 'urn:ietf:params:scim:schemas:extension:Custom:2.0:User';

      const response = await send('POST', '/scim/v2/Users', {
        schemas: [USER_SCHEMA, urn],
        userName: 'long',
        [urn]: { code: tooLong },
      });

      expectError(
        response,
        400,
        'invalidValue',
        `Attribute '${urn}:code' is 65 characters long; at most 64 are accepted`,
      );
    });

    it('refuses a longer string on PUT', async () => {
      const response = await send('PUT', `/scim/v2/Users/${userId}`, {
        schemas: [USER_SCHEMA],
        userName: 'limits-1',
        nickName: tooLong,
      });

      expectError(
        response,
        400,
        'invalidValue',
        "Attribute 'nickName' is 65 characters long; at most 64 are accepted",
      );
    });

    it('refuses a longer string in a PATCH value, naming the operation', async () => {
      const response = await send(
        'PATCH',
        `/scim/v2/Users/${userId}`,
        patch([{ op: 'replace', path: 'title', value: tooLong }]),
      );

      expectError(
        response,
        400,
        'invalidValue',
        `Operations[0] (replace "title"): Attribute 'title' is 65 characters long; at most 64 are accepted`,
      );
    });

    it('accepts a string of exactly the limit', async () => {
      const response = await send(
        'PATCH',
        `/scim/v2/Users/${userId}`,
        patch([{ op: 'replace', path: 'title', value: 'x'.repeat(64) }]),
      );

      expect(response.statusCode).toBe(200);
    });
  });
});
