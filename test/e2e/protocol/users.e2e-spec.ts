import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TENANT_ID } from '../../../src/auth/token-bootstrap.service';
import { verifyPassword } from '../../../src/resources/password.hasher';
import { ResourceRepository } from '../../../src/store/ports';
import { TestApp } from '../harness';
import {
  ACME,
  ENTERPRISE,
  expectScimError,
  Json,
  ORIGIN,
  ScimClient,
  SCIM_JSON,
  startClient,
  uniqueName,
  USER_SCHEMA,
} from './protocol.helpers';

describe('Users: RFC 7644 §3.3–§3.6 over HTTP (e2e)', () => {
  let t: TestApp;
  let scim: ScimClient;

  beforeAll(async () => {
    ({ t, scim } = await startClient());
  });
  afterAll(() => t.close());

  describe('POST /Users', () => {
    it('answers 201 with Location, ETag = meta.version and the created resource', async () => {
      const userName = uniqueName('bjensen');
      const response = await scim.post('/Users', {
        schemas: [USER_SCHEMA],
        userName,
        name: { givenName: 'Barbara', familyName: 'Jensen' },
        emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
        active: true,
      });

      expect(response.statusCode).toBe(201);
      expect(response.headers['content-type']).toMatch(SCIM_JSON);
      const body = response.json<Json>();
      expect(body).toMatchObject({
        schemas: [USER_SCHEMA],
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        userName,
        name: { givenName: 'Barbara', familyName: 'Jensen' },
        emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
        active: true,
        meta: {
          resourceType: 'User',
          created: expect.any(String),
          lastModified: expect.any(String),
          version: expect.stringMatching(/^W\/".+"$/),
          location: `${ORIGIN}/scim/v2/Users/${body.id}`,
        },
      });
      expect(response.headers.location).toBe(body.meta.location);
      expect(response.headers.etag).toBe(body.meta.version);
      expect(new Date(body.meta.created).toISOString()).toBe(body.meta.created);
      expect(body.meta.lastModified).toBe(body.meta.created);
    });

    it('builds meta.location from X-Forwarded-* behind a proxy', async () => {
      const response = await scim.post(
        '/Users',
        { schemas: [USER_SCHEMA], userName: uniqueName() },
        { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'scim.example.com' },
      );

      expect(response.statusCode).toBe(201);
      expect(response.json<Json>().meta.location).toMatch(/^https:\/\/scim\.example\.com\/scim\/v2\/Users\//);
    });

    it('refuses a userName that differs from an existing one only in case with 409 uniqueness', async () => {
      const userName = uniqueName('Case');
      await scim.createUser({ userName });

      const response = await scim.post('/Users', {
        schemas: [USER_SCHEMA],
        userName: userName.toUpperCase(),
      });

      expectScimError(response, 409, 'uniqueness');
    });

    it('refuses a body without schemas with 400 invalidSyntax', async () => {
      const response = await scim.post('/Users', { userName: uniqueName() });

      expectScimError(response, 400, 'invalidSyntax');
    });

    it('refuses schemas that do not name the User schema with 400 invalidSyntax', async () => {
      const response = await scim.post('/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        userName: uniqueName(),
      });

      expectScimError(response, 400, 'invalidSyntax');
    });

    it('refuses a body that is not an object with 400 invalidSyntax', async () => {
      const response = await scim.post('/Users', [{ userName: 'x' }]);

      expectScimError(response, 400, 'invalidSyntax');
    });

    it.each([
      ['active as an object', { active: { yes: true } }],
      ['userName as a number array', { userName: [1, 2] }],
      ['name as a string', { name: 'Barbara Jensen' }],
      ['emails as a string', { emails: 'bjensen@example.com' }],
      ['emails[].value as an object', { emails: [{ value: { a: 1 } }] }],
    ])('refuses %s with 400 invalidValue', async (_label, attributes) => {
      const response = await scim.post('/Users', {
        schemas: [USER_SCHEMA],
        userName: uniqueName(),
        ...attributes,
      });

      expectScimError(response, 400, 'invalidValue');
    });

    it('refuses two primary emails with 400 invalidValue', async () => {
      const response = await scim.post('/Users', {
        schemas: [USER_SCHEMA],
        userName: uniqueName(),
        emails: [
          { value: 'a@example.com', primary: true },
          { value: 'b@example.com', primary: true },
        ],
      });

      const body = expectScimError(response, 400, 'invalidValue');
      expect(body.detail).toMatch(/emails/);
    });

    it('refuses a user without userName with 400 invalidValue naming the attribute', async () => {
      const response = await scim.post('/Users', { schemas: [USER_SCHEMA], displayName: 'No Name' });

      const body = expectScimError(response, 400, 'invalidValue');
      expect(body.detail).toMatch(/userName/);
    });

    it('ignores readOnly id and meta sent by the client', async () => {
      const response = await scim.post('/Users', {
        schemas: [USER_SCHEMA],
        id: 'client-chosen-id',
        userName: uniqueName(),
        meta: { created: '2001-01-01T00:00:00Z', version: 'W/"bogus"', resourceType: 'Group' },
        groups: [{ value: 'not-a-group' }],
      });

      expect(response.statusCode).toBe(201);
      const body = response.json<Json>();
      expect(body.id).not.toBe('client-chosen-id');
      expect(body.meta.created).not.toBe('2001-01-01T00:00:00Z');
      expect(body.meta.version).not.toBe('W/"bogus"');
      expect(body.meta.resourceType).toBe('User');
      expect(body.groups ?? []).toEqual([]);
      expect((await scim.get('/Users/client-chosen-id')).statusCode).toBe(404);
    });

    it('matches attribute names case-insensitively and returns them in canonical case', async () => {
      const response = await scim.post('/Users', {
        SCHEMAS: [USER_SCHEMA],
        USERNAME: uniqueName(),
        Name: { GIVENNAME: 'Barbara', familyname: 'Jensen' },
        eMails: [{ VALUE: 'b@example.com', Type: 'work', PRIMARY: true }],
        [ENTERPRISE.toUpperCase()]: { EmployeeNumber: '42' },
      });

      expect(response.statusCode).toBe(201);
      const body = response.json<Json>();
      expect(body).toMatchObject({
        name: { givenName: 'Barbara', familyName: 'Jensen' },
        emails: [{ value: 'b@example.com', type: 'work', primary: true }],
        [ENTERPRISE]: { employeeNumber: '42' },
      });
      expect(body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
      const stored = (await scim.get(`/Users/${body.id}`)).json<Json>();
      expect(Object.keys(stored)).toEqual(expect.arrayContaining(['userName', 'name', 'emails', ENTERPRISE]));
      expect(Object.keys(stored)).not.toEqual(expect.arrayContaining(['USERNAME']));
      expect(Object.keys(stored.name).sort()).toEqual(['familyName', 'givenName']);
    });
  });

  describe('password (RFC 7643 §4.1.1: writeOnly, returned never)', () => {
    let id: string;

    beforeAll(async () => {
      const response = await scim.post('/Users', {
        schemas: [USER_SCHEMA],
        userName: uniqueName('pw'),
        password: 't1meMachine!',
      });
      expect(response.statusCode).toBe(201);
      expect(response.json<Json>().password).toBeUndefined();
      expect(response.body).not.toContain('t1meMachine');
      id = response.json<Json>().id;
    });

    it('is not returned by GET', async () => {
      const response = await scim.get(`/Users/${id}`);

      expect(response.statusCode).toBe(200);
      expect(response.json<Json>().password).toBeUndefined();
      expect(response.body).not.toContain('t1meMachine');
    });

    it('is not returned even when asked for with attributes=password', async () => {
      const response = await scim.get(`/Users/${id}?attributes=password`);

      expect(response.statusCode).toBe(200);
      const body = response.json<Json>();
      expect(body.password).toBeUndefined();
      expect(body.id).toBe(id);
      expect(body.schemas).toEqual([USER_SCHEMA]);
    });

    it('is not returned in lists, nor matched by a filter on it', async () => {
      const list = await scim.query('/Users', { filter: `id eq "${id}"`, attributes: 'password' });

      expect(list.statusCode).toBe(200);
      expect(list.json<Json>().Resources[0].password).toBeUndefined();
      expect(list.body).not.toContain('t1meMachine');
    });

    it('is stored as a salted hash, never in clear', async () => {
      const stored = await t.app.get(ResourceRepository).findById(DEFAULT_TENANT_ID, 'User', id);

      expect(stored?._secret?.password).toMatch(/^scrypt\$/);
      expect(JSON.stringify(stored)).not.toContain('t1meMachine');
      await expect(verifyPassword('t1meMachine!', stored!._secret!.password!)).resolves.toBe(true);
      await expect(verifyPassword('t1memachine!', stored!._secret!.password!)).resolves.toBe(false);
    });

    it('is kept across a PUT that does not send it (stored, not lost)', async () => {
      const before = (await scim.get(`/Users/${id}`)).json<Json>();
      const put = await scim.put(`/Users/${id}`, {
        schemas: [USER_SCHEMA],
        userName: before.userName,
        displayName: 'changed',
      });

      expect(put.statusCode).toBe(200);
      expect(put.json<Json>().password).toBeUndefined();
      const stored = await t.app.get(ResourceRepository).findById(DEFAULT_TENANT_ID, 'User', id);
      expect(stored?._secret?.password).toMatch(/^scrypt\$/);
    });

    it('is accepted by PATCH and still not returned', async () => {
      const response = await scim.patch(`/Users/${id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'password', value: 'n3wSecret!' }],
      });

      expect(response.statusCode).toBe(200);
      expect(response.json<Json>().password).toBeUndefined();
      expect(response.body).not.toContain('n3wSecret');
      const stored = await t.app.get(ResourceRepository).findById(DEFAULT_TENANT_ID, 'User', id);
      await expect(verifyPassword('n3wSecret!', stored!._secret!.password!)).resolves.toBe(true);
      await expect(verifyPassword('t1meMachine!', stored!._secret!.password!)).resolves.toBe(false);
    });
  });

  describe('GET /Users/{id}', () => {
    it('returns the resource with its ETag', async () => {
      const created = await scim.createUser({ userName: uniqueName(), displayName: 'Read Me' });

      const response = await scim.get(`/Users/${created.id}`);

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(SCIM_JSON);
      expect(response.headers.etag).toBe(created.meta.version);
      expect(response.json()).toEqual(created);
    });

    it('answers an unknown id with a SCIM 404', async () => {
      const response = await scim.get('/Users/00000000-0000-0000-0000-000000000000');

      const body = expectScimError(response, 404);
      expect(body.detail).toContain('00000000-0000-0000-0000-000000000000');
    });

    it('does not find a group through /Users', async () => {
      const group = await scim.createGroup({ displayName: uniqueName('grp') });

      expectScimError(await scim.get(`/Users/${group.id}`), 404);
    });
  });

  describe('DELETE /Users/{id}', () => {
    it('answers 204 without a body, then 404 on GET and on a second DELETE', async () => {
      const created = await scim.createUser({ userName: uniqueName() });

      const response = await scim.delete(`/Users/${created.id}`);

      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      expectScimError(await scim.get(`/Users/${created.id}`), 404);
      expectScimError(await scim.delete(`/Users/${created.id}`), 404);
    });

    it('frees the userName for a new user', async () => {
      const userName = uniqueName();
      const created = await scim.createUser({ userName });
      await scim.delete(`/Users/${created.id}`);

      const again = await scim.post('/Users', { schemas: [USER_SCHEMA], userName });

      expect(again.statusCode).toBe(201);
      expect(again.json<Json>().id).not.toBe(created.id);
    });
  });

  describe('PUT /Users/{id}', () => {
    it('replaces every attribute the client may write and keeps id, meta.created', async () => {
      const created = await scim.createUser({
        userName: uniqueName(),
        displayName: 'Before',
        nickName: 'Babs',
        emails: [{ value: 'old@example.com', type: 'work' }],
        [ENTERPRISE]: { department: 'Sales' },
      });
      const userName = uniqueName('renamed');

      const response = await scim.put(`/Users/${created.id}`, {
        schemas: [USER_SCHEMA],
        userName,
        displayName: 'After',
        id: 'ignored',
      });

      expect(response.statusCode).toBe(200);
      const body = response.json<Json>();
      expect(body).toEqual({
        schemas: [USER_SCHEMA],
        id: created.id,
        userName,
        displayName: 'After',
        meta: {
          resourceType: 'User',
          created: created.meta.created,
          lastModified: expect.any(String),
          version: expect.any(String),
          location: created.meta.location,
        },
      });
      expect(body.meta.version).not.toBe(created.meta.version);
      expect(response.headers.etag).toBe(body.meta.version);
      expect((await scim.get(`/Users/${created.id}`)).json()).toEqual(body);
    });

    it('answers 404 for an unknown id', async () => {
      const response = await scim.put('/Users/00000000-0000-0000-0000-00000000dead', {
        schemas: [USER_SCHEMA],
        userName: uniqueName(),
      });

      expectScimError(response, 404);
    });

    it('refuses to take the userName of another user with 409 uniqueness', async () => {
      const a = await scim.createUser({ userName: uniqueName('a') });
      const b = await scim.createUser({ userName: uniqueName('b') });

      const response = await scim.put(`/Users/${b.id}`, {
        schemas: [USER_SCHEMA],
        userName: a.userName.toUpperCase(),
      });

      expectScimError(response, 409, 'uniqueness');
    });

    it('lets a user change the case of its own userName', async () => {
      const userName = uniqueName('self');
      const created = await scim.createUser({ userName });

      const response = await scim.put(`/Users/${created.id}`, {
        schemas: [USER_SCHEMA],
        userName: userName.toUpperCase(),
      });

      expect(response.statusCode).toBe(200);
      expect(response.json<Json>().userName).toBe(userName.toUpperCase());
    });

    it('refuses a PUT without userName with 400 invalidValue', async () => {
      const created = await scim.createUser({ userName: uniqueName() });

      expectScimError(
        await scim.put(`/Users/${created.id}`, { schemas: [USER_SCHEMA] }),
        400,
        'invalidValue',
      );
    });
  });

  describe('enterprise extension (RFC 7643 §4.3)', () => {
    it('stores the extension and returns manager with value, absolute $ref and displayName', async () => {
      const manager = await scim.createUser({ userName: uniqueName('boss'), displayName: 'The Boss' });

      const response = await scim.post('/Users', {
        schemas: [USER_SCHEMA, ENTERPRISE],
        userName: uniqueName('emp'),
        [ENTERPRISE]: {
          employeeNumber: '701984',
          costCenter: '4130',
          organization: 'Universal Studios',
          division: 'Theme Park',
          department: 'Tour Operations',
          manager: { value: manager.id, displayName: 'Ignored: readOnly' },
        },
      });

      expect(response.statusCode).toBe(201);
      const body = response.json<Json>();
      expect(body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
      expect(body[ENTERPRISE]).toMatchObject({
        employeeNumber: '701984',
        costCenter: '4130',
        organization: 'Universal Studios',
        division: 'Theme Park',
        department: 'Tour Operations',
        manager: { value: manager.id, $ref: `${ORIGIN}/scim/v2/Users/${manager.id}` },
      });
      expect(body[ENTERPRISE].manager).toEqual({
        value: manager.id,
        $ref: `${ORIGIN}/scim/v2/Users/${manager.id}`,
        displayName: 'The Boss',
      });
      const read = (await scim.get(`/Users/${body.id}`)).json<Json>();
      expect(read[ENTERPRISE].manager).toEqual(body[ENTERPRISE].manager);
    });

    it("follows the manager's current displayName (readOnly, not stored)", async () => {
      const manager = await scim.createUser({ userName: uniqueName('boss'), displayName: 'Old Name' });
      const employee = await scim.createUser({
        userName: uniqueName('emp'),
        [ENTERPRISE]: { manager: { value: manager.id } },
      });
      await scim.patch(`/Users/${manager.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'displayName', value: 'New Name' }],
      });

      const read = (await scim.get(`/Users/${employee.id}`)).json<Json>();
      const list = await scim.query('/Users', {
        filter: `${ENTERPRISE}:manager.value eq "${manager.id}"`,
        attributes: `${ENTERPRISE}:manager.value`,
      });

      expect(read[ENTERPRISE].manager.displayName).toBe('New Name');
      expect(list.json<Json>().Resources[0][ENTERPRISE]).toEqual({ manager: { value: manager.id } });
    });

    it('accepts the flattened urn:…:manager form Entra sends', async () => {
      const manager = await scim.createUser({ userName: uniqueName('boss') });

      const response = await scim.post('/Users', {
        schemas: [USER_SCHEMA, ENTERPRISE],
        userName: uniqueName(),
        [`${ENTERPRISE}:manager`]: { value: manager.id },
        [`${ENTERPRISE}:department`]: 'R&D',
      });

      expect(response.statusCode).toBe(201);
      expect(response.json<Json>()[ENTERPRISE]).toMatchObject({
        department: 'R&D',
        manager: { value: manager.id, $ref: `${ORIGIN}/scim/v2/Users/${manager.id}` },
      });
    });
  });

  describe('custom extension from config/schema-extensions.json', () => {
    it('stores, type-checks and returns the acme attributes', async () => {
      const response = await scim.post('/Users', {
        schemas: [USER_SCHEMA, ACME],
        userName: uniqueName('acme'),
        [ACME]: { costCenterCode: 'CC-1042', badgeNumber: 7 },
      });

      expect(response.statusCode).toBe(201);
      const body = response.json<Json>();
      expect(body.schemas).toEqual([USER_SCHEMA, ACME]);
      expect(body[ACME]).toEqual({ costCenterCode: 'CC-1042', badgeNumber: 7 });
      expect((await scim.get(`/Users/${body.id}`)).json<Json>()[ACME]).toEqual(body[ACME]);
    });

    it('refuses a badgeNumber that is not an integer with 400 invalidValue', async () => {
      const response = await scim.post('/Users', {
        schemas: [USER_SCHEMA, ACME],
        userName: uniqueName('acme'),
        [ACME]: { badgeNumber: 'seven' },
      });

      expectScimError(response, 400, 'invalidValue');
    });

    it('is filterable', async () => {
      const created = await scim.createUser({
        userName: uniqueName('acme'),
        [ACME]: { costCenterCode: 'CC-FILTER-1' },
      });

      const response = await scim.query('/Users', { filter: `${ACME}:costCenterCode eq "cc-filter-1"` });

      expect(response.statusCode).toBe(200);
      expect(response.json<Json>().Resources.map((r: Json) => r.id)).toEqual([created.id]);
    });
  });
});

/** An app whose CONFIG_DIR declares these schema extensions (config/schema-extensions.json). */
async function startWithExtensions(
  extensions: Json[],
): Promise<{ t: TestApp; scim: ScimClient; configDir: string }> {
  const configDir = mkdtempSync(join(tmpdir(), 'scim-e2e-config-'));
  copyFileSync(join(__dirname, '../../../config/default.json'), join(configDir, 'default.json'));
  writeFileSync(join(configDir, 'schema-extensions.json'), JSON.stringify({ extensions }));
  return { ...(await startClient({ configDir })), configDir };
}

describe('Users: immutable attributes (RFC 7644 §3.5.1) (e2e)', () => {
  const IMMUTABLE_EXT = 'urn:ietf:params:scim:schemas:extension:test:2.0:User';
  let t: TestApp;
  let scim: ScimClient;
  let configDir: string;

  beforeAll(async () => {
    ({ t, scim, configDir } = await startWithExtensions([
      {
        schema: IMMUTABLE_EXT,
        name: 'TestUser',
        resourceType: 'User',
        attributes: [
          { name: 'hireId', type: 'string', mutability: 'immutable' },
          { name: 'note', type: 'string' },
        ],
      },
    ]));
  });
  afterAll(async () => {
    await t.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('keeps an immutable value the PUT leaves out', async () => {
    const created = await scim.createUser({ userName: uniqueName(), [IMMUTABLE_EXT]: { hireId: 'H-1' } });

    const response = await scim.put(`/Users/${created.id}`, {
      schemas: [USER_SCHEMA],
      userName: created.userName,
      [IMMUTABLE_EXT]: { note: 'x' },
    });

    expect(response.statusCode).toBe(200);
    expect(response.json<Json>()[IMMUTABLE_EXT]).toEqual({ hireId: 'H-1', note: 'x' });
  });

  it('accepts the same immutable value again', async () => {
    const created = await scim.createUser({ userName: uniqueName(), [IMMUTABLE_EXT]: { hireId: 'H-2' } });

    const response = await scim.put(`/Users/${created.id}`, {
      schemas: [USER_SCHEMA, IMMUTABLE_EXT],
      userName: created.userName,
      [IMMUTABLE_EXT]: { hireId: 'H-2' },
    });

    expect(response.statusCode).toBe(200);
  });

  it('refuses to change an immutable value with PUT: 400 mutability', async () => {
    const created = await scim.createUser({ userName: uniqueName(), [IMMUTABLE_EXT]: { hireId: 'H-3' } });

    const response = await scim.put(`/Users/${created.id}`, {
      schemas: [USER_SCHEMA, IMMUTABLE_EXT],
      userName: created.userName,
      [IMMUTABLE_EXT]: { hireId: 'H-changed' },
    });

    expectScimError(response, 400, 'mutability');
    expect((await scim.get(`/Users/${created.id}`)).json<Json>()[IMMUTABLE_EXT].hireId).toBe('H-3');
  });

  it('refuses to change an immutable value with PATCH: 400 mutability', async () => {
    const created = await scim.createUser({ userName: uniqueName(), [IMMUTABLE_EXT]: { hireId: 'H-4' } });

    const response = await scim.patch(`/Users/${created.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: `${IMMUTABLE_EXT}:hireId`, value: 'H-other' }],
    });

    expectScimError(response, 400, 'mutability');
  });

  it('lets an unset immutable value be set once', async () => {
    const created = await scim.createUser({ userName: uniqueName() });

    const response = await scim.patch(`/Users/${created.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'add', path: `${IMMUTABLE_EXT}:hireId`, value: 'H-5' }],
    });

    expect(response.statusCode).toBe(200);
    expect(response.json<Json>()[IMMUTABLE_EXT]).toEqual({ hireId: 'H-5' });
  });
});

describe('Users: unique extension attributes (RFC 7643 §2.2 uniqueness "server", RFC 7644 §3.3) (e2e)', () => {
  // A value declared unique in config/schema-extensions.json and advertised so in /Schemas is enforced: before
  // issue 9 the stores knew only userName and Group displayName, so this discovery document lied.
  const BADGE_EXT = 'urn:ietf:params:scim:schemas:extension:badges:2.0:User';
  let t: TestApp;
  let scim: ScimClient;
  let configDir: string;

  beforeAll(async () => {
    ({ t, scim, configDir } = await startWithExtensions([
      {
        schema: BADGE_EXT,
        name: 'BadgeUser',
        resourceType: 'User',
        attributes: [{ name: 'badge', type: 'string', uniqueness: 'server' }],
      },
    ]));
  });
  afterAll(async () => {
    await t.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('advertises the attribute as unique in /Schemas', async () => {
    const schema = (await scim.get(`/Schemas/${BADGE_EXT}`)).json<Json>();
    expect(schema.attributes).toEqual([expect.objectContaining({ name: 'badge', uniqueness: 'server' })]);
  });

  it("refuses a POST that repeats another User's value (case aside) with 409 uniqueness and creates nothing", async () => {
    await scim.createUser({ userName: uniqueName(), [BADGE_EXT]: { badge: 'B-100' } });
    const second = uniqueName();

    const response = await scim.post('/Users', {
      schemas: [USER_SCHEMA, BADGE_EXT],
      userName: second,
      [BADGE_EXT]: { badge: 'b-100' },
    });

    expect(expectScimError(response, 409, 'uniqueness').detail).toContain(`${BADGE_EXT}:badge`);
    const found = await scim.query('/Users', { filter: `userName eq "${second}"` });
    expect(found.json<Json>().totalResults).toBe(0);
  });

  it("refuses a PATCH and a PUT that take another User's value, and keeps the resource", async () => {
    await scim.createUser({ userName: uniqueName(), [BADGE_EXT]: { badge: 'B-200' } });
    const other = await scim.createUser({ userName: uniqueName(), [BADGE_EXT]: { badge: 'B-201' } });

    const patched = await scim.patch(`/Users/${other.id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: `${BADGE_EXT}:badge`, value: 'B-200' }],
    });
    const replaced = await scim.put(`/Users/${other.id}`, {
      schemas: [USER_SCHEMA, BADGE_EXT],
      userName: other.userName,
      [BADGE_EXT]: { badge: 'B-200' },
    });

    expectScimError(patched, 409, 'uniqueness');
    expectScimError(replaced, 409, 'uniqueness');
    expect((await scim.get(`/Users/${other.id}`)).json<Json>()[BADGE_EXT]).toEqual({ badge: 'B-201' });
  });

  it('accepts distinct values, Users without one, and a User keeping its own value', async () => {
    const a = await scim.createUser({ userName: uniqueName(), [BADGE_EXT]: { badge: 'B-300' } });
    await scim.createUser({ userName: uniqueName(), [BADGE_EXT]: { badge: 'B-301' } });
    await scim.createUser({ userName: uniqueName() });
    await scim.createUser({ userName: uniqueName() });

    const response = await scim.put(`/Users/${a.id}`, {
      schemas: [USER_SCHEMA, BADGE_EXT],
      userName: a.userName,
      [BADGE_EXT]: { badge: 'B-300' },
    });

    expect(response.statusCode).toBe(200);
  });
});
