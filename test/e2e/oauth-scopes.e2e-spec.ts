import { generateClientSecret, hashClientSecret } from '../../src/auth/oauth/client-secret';
import { createTestApp, TestApp } from './harness';
import { clientCredentialsToken } from './support/credentials';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const SECRET = generateClientSecret();
const SCIM = { 'content-type': 'application/scim+json' };

const client = (id: string, scopes: string[]) => ({
  id,
  scopes,
  secrets: [{ hash: hashClientSecret(SECRET) }],
});
const CLIENTS = [
  client('reader', ['scim.read']),
  client('writer', ['scim.write']),
  client('full', ['scim']),
  client('both', ['scim.read', 'scim.write']),
];

/** RFC 6750 §3.1 scopes on the SCIM routes: scim.read for reads, scim.write for writes, scim for both. */
describe('OAuth scopes on the SCIM routes (e2e)', () => {
  let t: TestApp;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp({ oauthClients: JSON.stringify(CLIENTS), authFailureLimitPerMinute: 0 });
    const created = await t.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { ...t.authHeader, ...SCIM },
      payload: { schemas: [USER_SCHEMA], userName: 'scoped.existing' },
    });
    userId = created.json().id;
  });
  afterAll(() => t.close());

  async function bearerOf(clientId: string, scope?: string): Promise<{ authorization: string }> {
    return { authorization: await clientCredentialsToken(t.app, clientId, SECRET, scope) };
  }

  /** One request of each kind; `n` keeps userNames unique across calls. */
  function requests(auth: { authorization: string }, n: string) {
    const headers = { ...auth, ...SCIM };
    return {
      list: () => t.app.inject({ method: 'GET', url: '/scim/v2/Users', headers }),
      get: () => t.app.inject({ method: 'GET', url: `/scim/v2/Users/${userId}`, headers }),
      search: () =>
        t.app.inject({
          method: 'POST',
          url: '/scim/v2/Users/.search',
          headers,
          payload: { schemas: [SEARCH_SCHEMA] },
        }),
      rootSearch: () =>
        t.app.inject({
          method: 'POST',
          url: '/scim/v2/.search',
          headers,
          payload: { schemas: [SEARCH_SCHEMA] },
        }),
      create: () =>
        t.app.inject({
          method: 'POST',
          url: '/scim/v2/Users',
          headers,
          payload: { schemas: [USER_SCHEMA], userName: `scoped.${n}` },
        }),
      replace: () =>
        t.app.inject({
          method: 'PUT',
          url: `/scim/v2/Users/${userId}`,
          headers,
          payload: { schemas: [USER_SCHEMA], userName: 'scoped.existing', displayName: n },
        }),
      patch: () =>
        t.app.inject({
          method: 'PATCH',
          url: `/scim/v2/Users/${userId}`,
          headers,
          payload: { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'title', value: n }] },
        }),
      bulk: () =>
        t.app.inject({
          method: 'POST',
          url: '/scim/v2/Bulk',
          headers,
          payload: {
            schemas: [BULK_SCHEMA],
            Operations: [
              {
                method: 'POST',
                path: '/Users',
                bulkId: 'u',
                data: { schemas: [USER_SCHEMA], userName: `bulk.${n}` },
              },
            ],
          },
        }),
      groupCreate: () =>
        t.app.inject({
          method: 'POST',
          url: '/scim/v2/Groups',
          headers,
          payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `g.${n}` },
        }),
      // No Content-Type without a body.
      remove: (id: string) => t.app.inject({ method: 'DELETE', url: `/scim/v2/Users/${id}`, headers: auth }),
      discovery: () =>
        Promise.all(
          ['ServiceProviderConfig', 'Schemas', 'ResourceTypes'].map((path) =>
            t.app.inject({ method: 'GET', url: `/scim/v2/${path}`, headers }),
          ),
        ),
    };
  }

  function expectInsufficientScope(
    response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
    needed: string,
  ) {
    expect(response.statusCode).toBe(403);
    expect(response.headers['www-authenticate']).toMatch(
      new RegExp(
        `^Bearer realm="scim", error="insufficient_scope", .*scope="${needed.replace('.', '\\.')} scim"$`,
      ),
    );
    expect(response.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(response.json()).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '403',
      detail: expect.stringContaining(`needs the scope "${needed}"`),
    });
  }

  it('lets a scim.read token read and search, and refuses every write with 403 insufficient_scope', async () => {
    const r = requests(await bearerOf('reader'), 'reader');

    expect((await r.list()).statusCode).toBe(200);
    expect((await r.get()).statusCode).toBe(200);
    expect((await r.search()).statusCode).toBe(200);
    expect((await r.rootSearch()).statusCode).toBe(200);
    for (const write of [r.create, r.replace, r.patch, r.bulk, r.groupCreate, () => r.remove(userId)]) {
      expectInsufficientScope(await write(), 'scim.write');
    }
    const after = await requests(t.authHeader, 'check').list();
    expect(after.json().Resources.map((u: { userName: string }) => u.userName)).toEqual(['scoped.existing']);
  });

  it('lets a scim.write token write, and refuses reads and searches with 403 insufficient_scope', async () => {
    const w = requests(await bearerOf('writer'), 'writer');

    const created = await w.create();
    expect(created.statusCode).toBe(201);
    expect((await w.replace()).statusCode).toBe(200);
    expect((await w.patch()).statusCode).toBe(200);
    expect((await w.bulk()).statusCode).toBe(200);
    expect((await w.remove(created.json().id)).statusCode).toBe(204);
    for (const read of [w.list, w.get, w.search, w.rootSearch]) {
      expectInsufficientScope(await read(), 'scim.read');
    }
  });

  it('serves discovery to a token of any scope', async () => {
    for (const id of ['reader', 'writer']) {
      const responses = await requests(await bearerOf(id), id).discovery();
      expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    }
  });

  it('grants reads and writes to scim, to scim.read plus scim.write, and to a static token', async () => {
    for (const [name, auth] of [
      ['full', await bearerOf('full')],
      ['both', await bearerOf('both')],
      ['static', t.authHeader],
    ] as const) {
      const r = requests(auth, name);
      const created = await r.create();
      expect([
        name,
        created.statusCode,
        (await r.list()).statusCode,
        (await r.remove(created.json().id)).statusCode,
      ]).toEqual([name, 201, 200, 204]);
    }
  });

  it('enforces the scope requested at the token endpoint, not every scope the client may have', async () => {
    const r = requests(await bearerOf('both', 'scim.read'), 'narrow');

    expect((await r.list()).statusCode).toBe(200);
    expectInsufficientScope(await r.create(), 'scim.write');
  });
});

describe('OAuth client scopes in configuration (e2e)', () => {
  it('refuses to boot with a scope the server does not enforce', async () => {
    const boot = createTestApp({ oauthClients: JSON.stringify([client('odd', ['scim', 'users:write'])]) });
    // Close an app that booted after all, so that the failure is reported instead of a hanging run.
    boot.then((app) => app.close()).catch(() => undefined);

    await expect(boot).rejects.toThrow(
      /clients\[0\]\.scopes may only hold "scim", "scim\.read", "scim\.write", "ssf\.manage" \(got "users:write"\)/,
    );
  });
});
