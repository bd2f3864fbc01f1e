import { TestApp } from '../harness';
import {
  ACME,
  BULK_REQUEST_SCHEMA,
  BULK_RESPONSE_SCHEMA,
  ENTERPRISE,
  ERROR_SCHEMA,
  expectScimError,
  GROUP_SCHEMA,
  Json,
  LIST_SCHEMA,
  ORIGIN,
  PATCH_SCHEMA,
  ScimClient,
  SCIM_JSON,
  SEARCH_SCHEMA,
  startClient,
  uniqueName,
  USER_SCHEMA,
} from './protocol.helpers';

const bulk = (operations: Json[], extra: Json = {}) => ({
  schemas: [BULK_REQUEST_SCHEMA],
  ...extra,
  Operations: operations,
});

describe('POST /.search (RFC 7644 §3.4.3) (e2e)', () => {
  let t: TestApp;
  let scim: ScimClient;
  const userIds: string[] = [];
  const groupIds: string[] = [];

  beforeAll(async () => {
    ({ t, scim } = await startClient());
    for (const name of ['sam', 'sara', 'tom']) {
      userIds.push((await scim.createUser({ userName: name, displayName: `${name} search` })).id);
    }
    for (const name of ['sales', 'support']) {
      groupIds.push((await scim.createGroup({ displayName: name })).id);
    }
  });
  afterAll(() => t.close());

  const search = (path: string, body: Json) => scim.post(path, { schemas: [SEARCH_SCHEMA], ...body });

  it('searches Users with filter, attributes, sortBy and paging in the body, answering 200', async () => {
    const response = await search('/Users/.search', {
      filter: 'userName sw "s"',
      attributes: ['userName'],
      sortBy: 'userName',
      sortOrder: 'descending',
      startIndex: 1,
      count: 10,
    });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(SCIM_JSON);
    expect(response.json()).toEqual({
      schemas: [LIST_SCHEMA],
      totalResults: 2,
      startIndex: 1,
      itemsPerPage: 2,
      Resources: [
        { schemas: [USER_SCHEMA], id: userIds[1], userName: 'sara' },
        { schemas: [USER_SCHEMA], id: userIds[0], userName: 'sam' },
      ],
    });
  });

  it('accepts excludedAttributes and case-insensitive keys', async () => {
    const response = await scim.post('/Users/.search', {
      SCHEMAS: [SEARCH_SCHEMA],
      FILTER: 'userName eq "tom"',
      ExcludedAttributes: ['meta', 'displayName'],
    });

    expect(response.statusCode).toBe(200);
    expect(response.json<Json>().Resources).toEqual([
      { schemas: [USER_SCHEMA], id: userIds[2], userName: 'tom' },
    ]);
  });

  it('searches Groups', async () => {
    const response = await search('/Groups/.search', { filter: 'displayName sw "s"', sortBy: 'displayName' });

    expect(response.statusCode).toBe(200);
    const body = response.json<Json>();
    expect(body.totalResults).toBe(2);
    expect(body.Resources.map((r: Json) => r.id)).toEqual(groupIds);
  });

  it('searches every type at the root; totals add up', async () => {
    const response = await search('/.search', {});

    expect(response.statusCode).toBe(200);
    const body = response.json<Json>();
    expect(body.totalResults).toBe(5);
    expect(body.itemsPerPage).toBe(5);
    const types = body.Resources.map((r: Json) => r.meta.resourceType);
    expect(types.filter((x: string) => x === 'User')).toHaveLength(3);
    expect(types.filter((x: string) => x === 'Group')).toHaveLength(2);
  });

  it('applies a filter across types: an attribute one type lacks matches nothing there', async () => {
    const response = await search('/.search', { filter: 'displayName sw "s"' });

    expect(response.statusCode).toBe(200);
    const body = response.json<Json>();
    // sam search, sara search, sales, support (tom search does not start with s).
    expect(body.totalResults).toBe(4);
    const userOnly = await search('/.search', { filter: 'userName eq "tom"' });
    expect(userOnly.json<Json>().totalResults).toBe(1);
  });

  it('pages across types with exact totals', async () => {
    const first = (await search('/.search', { startIndex: 1, count: 2 })).json<Json>();
    const second = (await search('/.search', { startIndex: 3, count: 2 })).json<Json>();
    const third = (await search('/.search', { startIndex: 5, count: 2 })).json<Json>();

    const ids = [first, second, third].flatMap((p) => p.Resources.map((r: Json) => r.id));
    expect(ids.sort()).toEqual([...userIds, ...groupIds].sort());
    expect([first, second, third].map((p) => p.totalResults)).toEqual([5, 5, 5]);
    expect(third.itemsPerPage).toBe(1);
  });

  it.each([
    ['no schemas', { filter: 'userName eq "x"' }, 'invalidSyntax'],
    ['a wrong schema', { schemas: [USER_SCHEMA] }, 'invalidSyntax'],
    ['a filter that is not a string', { schemas: [SEARCH_SCHEMA], filter: 42 }, 'invalidSyntax'],
    ['attributes that are not strings', { schemas: [SEARCH_SCHEMA], attributes: [1] }, 'invalidSyntax'],
    ['an invalid filter', { schemas: [SEARCH_SCHEMA], filter: 'userName eq' }, 'invalidFilter'],
    ['a non-integer count', { schemas: [SEARCH_SCHEMA], count: 'many' }, 'invalidValue'],
  ])('refuses a SearchRequest with %s', async (_label, body, scimType) => {
    expectScimError(await scim.post('/Users/.search', body), 400, scimType);
  });

  it('refuses a body that is not an object', async () => {
    expectScimError(await scim.post('/.search', '[1]'), 400, 'invalidSyntax');
  });
});

describe('POST /Bulk (RFC 7644 §3.7) (e2e)', () => {
  let t: TestApp;
  let scim: ScimClient;

  beforeAll(async () => {
    ({ t, scim } = await startClient({ bulkMaxOperations: 5, bulkMaxPayloadSize: 8192 }));
  });
  afterAll(() => t.close());

  it('runs POST, PUT, PATCH and DELETE and reports each with status, location and version', async () => {
    const existing = await scim.createUser({ userName: uniqueName('bulk-put') });
    const doomed = await scim.createUser({ userName: uniqueName('bulk-del') });

    const response = await scim.post(
      '/Bulk',
      bulk([
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'u1',
          data: { schemas: [USER_SCHEMA], userName: 'bulk-new' },
        },
        {
          method: 'PUT',
          path: `/Users/${existing.id}`,
          data: { schemas: [USER_SCHEMA], userName: existing.userName, title: 'put' },
        },
        {
          method: 'PATCH',
          path: '/Users/bulkId:u1',
          data: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] },
        },
        { method: 'DELETE', path: `/Users/${doomed.id}` },
      ]),
    );

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(SCIM_JSON);
    const body = response.json<Json>();
    expect(body.schemas).toEqual([BULK_RESPONSE_SCHEMA]);
    const [post, put, patch, del] = body.Operations;
    expect(post).toMatchObject({
      method: 'POST',
      bulkId: 'u1',
      status: '201',
      location: expect.stringMatching(new RegExp(`^${ORIGIN}/scim/v2/Users/[0-9a-f-]{36}$`)),
      version: expect.stringMatching(/^W\//),
    });
    expect(put).toMatchObject({
      method: 'PUT',
      status: '200',
      location: `${ORIGIN}/scim/v2/Users/${existing.id}`,
    });
    expect(patch).toMatchObject({ method: 'PATCH', status: '200', location: post.location });
    expect(del).toMatchObject({ method: 'DELETE', status: '204' });

    const createdId = post.location.split('/').pop();
    const created = (await scim.get(`/Users/${createdId}`)).json<Json>();
    expect(created).toMatchObject({ userName: 'bulk-new', active: false });
    expect(created.meta.version).toBe(patch.version);
    expect((await scim.get(`/Users/${existing.id}`)).json<Json>().title).toBe('put');
    expectScimError(await scim.get(`/Users/${doomed.id}`), 404);
  });

  it('resolves bulkId references in a group whose members are created in the same request, in any order', async () => {
    const response = await scim.post(
      '/Bulk',
      bulk([
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'g',
          data: {
            schemas: [GROUP_SCHEMA],
            displayName: uniqueName('bulk-group'),
            members: [{ value: 'bulkId:a' }, { value: 'bulkId:b' }],
          },
        },
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'a',
          data: { schemas: [USER_SCHEMA], userName: uniqueName('ba') },
        },
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'b',
          data: { schemas: [USER_SCHEMA], userName: uniqueName('bb') },
        },
      ]),
    );

    expect(response.statusCode).toBe(200);
    const ops = response.json<Json>().Operations;
    expect(ops.map((o: Json) => [o.bulkId, o.status])).toEqual([
      ['g', '201'],
      ['a', '201'],
      ['b', '201'],
    ]);
    const idOf = (o: Json) => o.location.split('/').pop();
    const group = (await scim.get(`/Groups/${idOf(ops[0])}`)).json<Json>();
    expect(group.members.map((m: Json) => m.value).sort()).toEqual([idOf(ops[1]), idOf(ops[2])].sort());
  });

  it('reports a failing operation with its SCIM error and runs the others', async () => {
    const taken = await scim.createUser({ userName: uniqueName('taken') });

    const response = await scim.post(
      '/Bulk',
      bulk([
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'dup',
          data: { schemas: [USER_SCHEMA], userName: taken.userName },
        },
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'ok',
          data: { schemas: [USER_SCHEMA], userName: uniqueName('ok') },
        },
        { method: 'DELETE', path: '/Users/00000000-0000-0000-0000-000000000000' },
        {
          method: 'PATCH',
          path: '/Users/bulkId:dup',
          data: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'add', path: 'title', value: 'x' }] },
        },
      ]),
    );

    expect(response.statusCode).toBe(200);
    const [dup, ok, missing, dependent] = response.json<Json>().Operations;
    expect(dup).toMatchObject({
      method: 'POST',
      bulkId: 'dup',
      status: '409',
      response: { schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness' },
    });
    expect(dup.location).toBeUndefined();
    expect(ok).toMatchObject({ status: '201' });
    expect(missing).toMatchObject({
      method: 'DELETE',
      status: '404',
      response: { schemas: [ERROR_SCHEMA], status: '404' },
    });
    expect(dependent).toMatchObject({ method: 'PATCH', status: '409' });
  });

  it('stops after failOnErrors errors and does not run or report the rest', async () => {
    const name = uniqueName('never');

    const response = await scim.post(
      '/Bulk',
      bulk(
        [
          { method: 'DELETE', path: '/Users/missing-1' },
          { method: 'DELETE', path: '/Users/missing-2' },
          { method: 'POST', path: '/Users', bulkId: 'n', data: { schemas: [USER_SCHEMA], userName: name } },
        ],
        { failOnErrors: 2 },
      ),
    );

    expect(response.statusCode).toBe(200);
    expect(response.json<Json>().Operations.map((o: Json) => o.status)).toEqual(['404', '404']);
    const list = await scim.query('/Users', { filter: `userName eq "${name}"` });
    expect(list.json<Json>().totalResults).toBe(0);
  });

  it('reports an operation with invalid data as 400 with its scimType', async () => {
    const response = await scim.post(
      '/Bulk',
      bulk([
        { method: 'POST', path: '/Users', bulkId: 'bad', data: { schemas: [USER_SCHEMA], active: true } },
      ]),
    );

    expect(response.statusCode).toBe(200);
    expect(response.json<Json>().Operations[0]).toMatchObject({
      status: '400',
      response: { status: '400', scimType: 'invalidValue' },
    });
  });

  it('answers more operations than maxOperations with 413 tooMany', async () => {
    const operations = Array.from({ length: 6 }, (_, i) => ({ method: 'DELETE', path: `/Users/x${i}` }));

    const body = expectScimError(await scim.post('/Bulk', bulk(operations)), 413, 'tooMany');

    expect(body.detail).toContain('5');
  });

  it('answers a payload above maxPayloadSize with 413 tooMany', async () => {
    const response = await scim.post(
      '/Bulk',
      bulk([
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'big',
          data: { schemas: [USER_SCHEMA], userName: 'big', displayName: 'x'.repeat(10_000) },
        },
      ]),
    );

    const body = expectScimError(response, 413, 'tooMany');
    expect(body.detail).toContain('8192');
  });

  it.each([
    ['no schemas', { Operations: [{ method: 'DELETE', path: '/Users/x' }] }],
    ['no Operations', { schemas: [BULK_REQUEST_SCHEMA] }],
    ['an unknown method', bulk([{ method: 'GET', path: '/Users/x' }])],
    [
      'a POST without bulkId',
      bulk([{ method: 'POST', path: '/Users', data: { schemas: [USER_SCHEMA], userName: 'z' } }]),
    ],
  ])('refuses a BulkRequest with %s: 400 invalidSyntax', async (_label, body) => {
    expectScimError(await scim.post('/Bulk', body), 400, 'invalidSyntax');
  });
});

describe('Discovery (RFC 7644 §4, RFC 7643 §5–§7) (e2e)', () => {
  let t: TestApp;
  let scim: ScimClient;

  beforeAll(async () => {
    ({ t, scim } = await startClient());
  });
  afterAll(() => t.close());

  it('describes the enforced limits in ServiceProviderConfig', async () => {
    const response = await scim.get('/ServiceProviderConfig');

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(SCIM_JSON);
    expect(response.json()).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 1000 },
      changePassword: { supported: true },
      sort: { supported: true },
      etag: { supported: true },
      pagination: { cursor: true, index: true, defaultPageSize: 100, maxPageSize: 1000, cursorTimeout: 3600 },
      authenticationSchemes: expect.arrayContaining([expect.objectContaining({ type: 'oauthbearertoken' })]),
      meta: { resourceType: 'ServiceProviderConfig', location: `${ORIGIN}/scim/v2/ServiceProviderConfig` },
    });
  });

  it('lists the resource types with their extensions', async () => {
    const response = await scim.get('/ResourceTypes');

    expect(response.statusCode).toBe(200);
    const body = response.json<Json>();
    expect(body).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 2 });
    const user = body.Resources.find((r: Json) => r.id === 'User');
    expect(user).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      name: 'User',
      endpoint: '/Users',
      schema: USER_SCHEMA,
      meta: { resourceType: 'ResourceType', location: `${ORIGIN}/scim/v2/ResourceTypes/User` },
    });
    expect(user.schemaExtensions).toEqual(
      expect.arrayContaining([
        { schema: ENTERPRISE, required: false },
        { schema: ACME, required: false },
      ]),
    );
    expect(body.Resources.find((r: Json) => r.id === 'Group')).toMatchObject({
      endpoint: '/Groups',
      schema: GROUP_SCHEMA,
    });
  });

  it('serves one resource type at /ResourceTypes/User', async () => {
    const response = await scim.get('/ResourceTypes/User');

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: 'User', endpoint: '/Users' });
  });

  it('lists every schema, User with every RFC 7643 §4.1 attribute', async () => {
    const response = await scim.get('/Schemas');

    expect(response.statusCode).toBe(200);
    const body = response.json<Json>();
    const ids = body.Resources.map((r: Json) => r.id);
    expect(ids).toEqual(expect.arrayContaining([USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE, ACME]));
    expect(body.totalResults).toBe(ids.length);
    const user = body.Resources.find((r: Json) => r.id === USER_SCHEMA);
    const names = user.attributes.map((a: Json) => a.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'userName',
        'name',
        'displayName',
        'nickName',
        'profileUrl',
        'title',
        'userType',
        'preferredLanguage',
        'locale',
        'timezone',
        'active',
        'password',
        'emails',
        'phoneNumbers',
        'ims',
        'photos',
        'addresses',
        'groups',
        'entitlements',
        'roles',
        'x509Certificates',
      ]),
    );
    const password = user.attributes.find((a: Json) => a.name === 'password');
    expect(password).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    const userName = user.attributes.find((a: Json) => a.name === 'userName');
    expect(userName).toMatchObject({
      required: true,
      uniqueness: 'server',
      caseExact: false,
      type: 'string',
    });
    const name = user.attributes.find((a: Json) => a.name === 'name');
    expect(name.subAttributes.map((a: Json) => a.name)).toEqual(
      expect.arrayContaining([
        'formatted',
        'familyName',
        'givenName',
        'middleName',
        'honorificPrefix',
        'honorificSuffix',
      ]),
    );
    const addresses = user.attributes.find((a: Json) => a.name === 'addresses');
    expect(addresses.subAttributes.map((a: Json) => a.name)).toEqual(
      expect.arrayContaining([
        'formatted',
        'streetAddress',
        'locality',
        'region',
        'postalCode',
        'country',
        'type',
      ]),
    );
    expect(JSON.stringify(body)).not.toContain('null');
  });

  it('serves one schema by URN, and the acme extension as configured', async () => {
    const enterprise = await scim.get(`/Schemas/${ENTERPRISE}`);
    expect(enterprise.statusCode).toBe(200);
    expect(enterprise.json<Json>().attributes.map((a: Json) => a.name)).toEqual(
      expect.arrayContaining([
        'employeeNumber',
        'costCenter',
        'organization',
        'division',
        'department',
        'manager',
      ]),
    );

    const acme = await scim.get(`/Schemas/${ACME}`);
    expect(acme.statusCode).toBe(200);
    expect(acme.json<Json>()).toMatchObject({
      id: ACME,
      name: 'AcmeUser',
      attributes: [
        expect.objectContaining({ name: 'costCenterCode', type: 'string' }),
        expect.objectContaining({ name: 'badgeNumber', type: 'integer' }),
      ],
    });
  });

  it.each([
    '/ServiceProviderConfig?filter=patch.supported%20eq%20false',
    '/ResourceTypes?filter=name%20eq%20%22Group%22',
    '/ResourceTypes/User?filter=name%20eq%20%22Group%22',
    `/Schemas?filter=id%20eq%20%22${GROUP_SCHEMA}%22`,
    `/Schemas/${USER_SCHEMA}?filter=id%20eq%20%22x%22`,
    '/Schemas?filter=',
  ])('answers %s with a SCIM 403: a filter is not supported (RFC 7644 §4)', async (path) => {
    const body = expectScimError(await scim.get(path), 403);

    expect(body.detail).toMatch(/filter/);
  });

  it.each(['/Schemas/urn:nope', '/ResourceTypes/Printer'])('answers %s with a SCIM 404', async (path) => {
    expectScimError(await scim.get(path), 404);
  });

  it.each(['/ServiceProviderConfig', '/ResourceTypes', '/Schemas', `/Schemas/${USER_SCHEMA}`])(
    'requires authentication for %s',
    async (path) => {
      const response = await t.app.inject({ method: 'GET', url: `/scim/v2${path}` });

      expectScimError(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    },
  );

  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const)('answers %s /Me with 501', async (method) => {
    const response = await scim.send(method, '/Me', method === 'GET' || method === 'DELETE' ? undefined : {});

    expectScimError(response, 501);
  });

  it('answers /Me without a token with 401', async () => {
    expectScimError(await t.app.inject({ method: 'GET', url: '/scim/v2/Me' }), 401);
  });
});

describe('Discovery follows configured limits (e2e)', () => {
  let t: TestApp;
  let scim: ScimClient;

  beforeAll(async () => {
    ({ t, scim } = await startClient({
      maxPageSize: 5,
      defaultPageSize: 3,
      bulkMaxOperations: 2,
      bulkMaxPayloadSize: 4096,
      cursorTimeoutSeconds: 60,
    }));
    for (let i = 0; i < 8; i++) await scim.createUser({ userName: `limit-${i}` });
  });
  afterAll(() => t.close());

  it('advertises the configured limits', async () => {
    expect((await scim.get('/ServiceProviderConfig')).json()).toMatchObject({
      bulk: { maxOperations: 2, maxPayloadSize: 4096 },
      filter: { maxResults: 5 },
      pagination: { defaultPageSize: 3, maxPageSize: 5, cursorTimeout: 60 },
    });
  });

  it('uses defaultPageSize without a count', async () => {
    const body = (await scim.get('/Users')).json<Json>();

    expect(body).toMatchObject({ totalResults: 8, itemsPerPage: 3 });
    expect(body.Resources).toHaveLength(3);
  });

  it('caps a count above maxPageSize', async () => {
    const body = (await scim.query('/Users', { count: 50 })).json<Json>();

    expect(body).toMatchObject({ totalResults: 8, itemsPerPage: 5 });
    expect(body.Resources).toHaveLength(5);
  });

  it('caps a cursor page too', async () => {
    const body = (await scim.query('/Users', { cursor: '', count: 50 })).json<Json>();

    expect(body.Resources).toHaveLength(5);
    expect(body.nextCursor).toEqual(expect.any(String));
  });

  it('enforces the advertised bulk maxOperations', async () => {
    const operations = Array.from({ length: 3 }, (_, i) => ({ method: 'DELETE', path: `/Users/x${i}` }));

    expectScimError(await scim.post('/Bulk', bulk(operations)), 413, 'tooMany');
    expect((await scim.post('/Bulk', bulk(operations.slice(0, 2)))).statusCode).toBe(200);
  });
});
