import { createTestApp, TestApp } from './harness';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

const emails = (n: number, tag = 'a') =>
  Array.from({ length: n }, (_, i) => ({ value: `${tag}${i}@example.com`, type: 'work' }));

const TOO_MANY_EMAILS = {
  schemas: [ERROR_SCHEMA],
  status: '400',
  scimType: 'invalidValue',
  detail: "Attribute 'emails' has 6 values; at most 5 are accepted (MAX_VALUES_PER_ATTRIBUTE)",
};

/**
 * Issue 11 "Memory amplification": POST and PUT accepted 22,000 emails on one user. MAX_VALUES_PER_ATTRIBUTE caps
 * the values of one multi-valued attribute on every write; a Group's members are excepted (stored apart, paged).
 */
describe('MAX_VALUES_PER_ATTRIBUTE (e2e)', () => {
  let t: TestApp;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp({ maxValuesPerAttribute: 5, rateLimitPerSecond: 0 });
    userId = (
      await send('POST', '/scim/v2/Users', { schemas: [USER_SCHEMA], userName: 'cap', emails: emails(5) })
    ).json().id;
  });
  afterAll(() => t.close());

  function send(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) {
    return t.app.inject({
      method,
      url,
      headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
  }

  it('POST: MAX_VALUES_PER_ATTRIBUTE values are accepted, one more is 400 invalidValue', async () => {
    const ok = await send('POST', '/scim/v2/Users', {
      schemas: [USER_SCHEMA],
      userName: 'five',
      emails: emails(5),
    });
    const tooMany = await send('POST', '/scim/v2/Users', {
      schemas: [USER_SCHEMA],
      userName: 'six',
      emails: emails(6),
    });

    expect(ok.statusCode).toBe(201);
    expect({ status: tooMany.statusCode, body: tooMany.json() }).toEqual({
      status: 400,
      body: TOO_MANY_EMAILS,
    });
  });

  it('PUT: one value too many is 400 invalidValue and nothing changes', async () => {
    const response = await send('PUT', `/scim/v2/Users/${userId}`, {
      schemas: [USER_SCHEMA],
      userName: 'cap',
      emails: emails(6, 'b'),
    });

    expect({ status: response.statusCode, body: response.json() }).toEqual({
      status: 400,
      body: TOO_MANY_EMAILS,
    });
    expect((await send('GET', `/scim/v2/Users/${userId}`)).json().emails).toHaveLength(5);
  });

  it('PATCH: the resulting resource is capped, however the values arrive', async () => {
    // Each operation is within PATCH_MAX_VALUES_PER_OPERATION; together they would make 6 emails.
    const response = await send('PATCH', `/scim/v2/Users/${userId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'emails', value: [{ value: 'extra@example.com' }] }],
    });

    expect({ status: response.statusCode, body: response.json() }).toEqual({
      status: 400,
      body: TOO_MANY_EMAILS,
    });
  });

  it('Bulk: the operation fails with 400 invalidValue', async () => {
    const response = await send('POST', '/scim/v2/Bulk', {
      schemas: [BULK_REQUEST],
      Operations: [
        {
          method: 'POST',
          path: '/Users',
          bulkId: 'b1',
          data: { schemas: [USER_SCHEMA], userName: 'bulk-six', emails: emails(6) },
        },
      ],
    });

    expect(response.statusCode).toBe(200);
    expect(response.json().Operations[0]).toMatchObject({ status: '400', response: TOO_MANY_EMAILS });
  });

  it('caps every multi-valued attribute, not only emails', async () => {
    const response = await send('POST', '/scim/v2/Users', {
      schemas: [USER_SCHEMA],
      userName: 'many-x509',
      x509Certificates: Array.from({ length: 6 }, (_, i) => ({
        value: Buffer.from(`c${i}`).toString('base64'),
      })),
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      scimType: 'invalidValue',
      detail: expect.stringContaining("'x509Certificates' has 6 values"),
    });
  });

  it("does not cap a Group's members (stored apart and paged)", async () => {
    const members = [];
    for (let i = 0; i < 6; i++) {
      members.push({
        value: (
          await send('POST', '/scim/v2/Users', { schemas: [USER_SCHEMA], userName: `member-${i}` })
        ).json().id,
      });
    }

    const created = await send('POST', '/scim/v2/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'big',
      members,
    });
    const patched = await send('PATCH', `/scim/v2/Groups/${created.json().id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }],
    });

    expect(created.statusCode).toBe(201);
    expect(created.json().members).toHaveLength(6);
    expect(patched.statusCode).toBeLessThan(300);
    expect((await send('GET', `/scim/v2/Groups/${created.json().id}`)).json().members).toHaveLength(7);
  });
});
