import { TestApp } from '../harness';
import {
  ENTERPRISE,
  expectScimError,
  GROUP_SCHEMA,
  Json,
  patchOp,
  ScimClient,
  startClient,
  uniqueName,
  USER_SCHEMA,
} from './protocol.helpers';

/** Issue 11 "Conformance details", found by an outside conformance suite (python-scim's scim2-tester). */
describe('Conformance details (e2e)', () => {
  let t: TestApp;
  let scim: ScimClient;

  beforeAll(async () => {
    ({ t, scim } = await startClient());
  });
  afterAll(() => t.close());

  const newUser = () =>
    scim.createUser({
      schemas: [USER_SCHEMA, ENTERPRISE],
      userName: uniqueName('conf'),
      [ENTERPRISE]: { schemas: [ENTERPRISE], employeeNumber: '1' },
    });

  describe('a "schemas" key inside an extension value is ignored by PATCH, as by POST and PUT', () => {
    it.each([
      [
        'add without path',
        { op: 'add', value: { [ENTERPRISE]: { schemas: [ENTERPRISE], employeeNumber: '2' } } },
      ],
      [
        'replace without path',
        { op: 'replace', value: { [ENTERPRISE]: { schemas: [ENTERPRISE], employeeNumber: '2' } } },
      ],
      [
        'add with the extension as path',
        { op: 'add', path: ENTERPRISE, value: { schemas: [ENTERPRISE], employeeNumber: '2' } },
      ],
      [
        'replace with the extension as path',
        { op: 'replace', path: ENTERPRISE, value: { Schemas: [ENTERPRISE], employeeNumber: '2' } },
      ],
    ])('%s', async (_label, operation) => {
      const user = await newUser();

      const response = await scim.patch(`/Users/${user.id}`, patchOp(operation));

      expect(response.statusCode).toBe(200);
      expect(response.json()[ENTERPRISE]).toEqual({ employeeNumber: '2' });
      expect(response.json().schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
    });
  });

  describe('a value that does not fit the schema is invalidValue, a path naming nothing invalidPath (RFC 7644 §3.12)', () => {
    it.each([
      ['an unknown attribute in a path-less value', { op: 'add', value: { bogus: 'x' } }],
      [
        'an unknown attribute in an extension value',
        { op: 'replace', path: ENTERPRISE, value: { bogus: 'x' } },
      ],
      [
        'an unknown attribute inside a path-less extension value',
        { op: 'add', value: { [ENTERPRISE]: { bogus: 'x' } } },
      ],
    ])('%s is 400 invalidValue', async (_label, operation) => {
      const user = await newUser();

      const body = expectScimError(
        await scim.patch(`/Users/${user.id}`, patchOp(operation)),
        400,
        'invalidValue',
      );

      expect(body.detail).toContain('bogus');
    });

    it('an operation "path" naming no attribute stays 400 invalidPath', async () => {
      const user = await newUser();

      expectScimError(
        await scim.patch(`/Users/${user.id}`, patchOp({ op: 'add', path: 'bogus', value: 'x' })),
        400,
        'invalidPath',
      );
    });
  });

  describe('a Group without members', () => {
    // Decision (issue 11): a Group with no members reads "members": [] — on create, GET, PUT and PATCH alike,
    // and the same whether it never had members or lost them all. RFC 7643 §2.5 makes an empty array and an
    // unassigned attribute equivalent and lets a server omit it ("MAY"), so [] is conformant; Microsoft's documented
    // Entra create-group response (test/fixtures/entra/4.09-create-group*.json, "Response = §4.9 example") shows
    // "members": [], which is why the projection keeps it (src/scim/projection/projection.ts). Omitting it only
    // after the last member left would make one group read two ways.
    it('reads "members": [] after removing every member, exactly as when created without members', async () => {
      const alice = await scim.createUser({ userName: uniqueName('member') });
      const group = await scim.createGroup({
        displayName: uniqueName('Emptied'),
        members: [{ value: alice.id }],
      });
      const never: Json = await scim.createGroup({ displayName: uniqueName('Never') });

      const removed = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({ op: 'remove', path: `members[value eq "${alice.id}"]` }),
      );
      const emptied = (await scim.get(`/Groups/${group.id}`)).json();

      expect(removed.statusCode).toBe(204);
      expect(emptied.members).toEqual([]);
      expect(never.members).toEqual([]);
      expect((await scim.get(`/Groups/${never.id}`)).json().members).toEqual([]);
      expect(emptied.schemas).toEqual([GROUP_SCHEMA]);
    });
  });
});
