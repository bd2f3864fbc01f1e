import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../scim/schema/schema-urns';
import { extensionStorageKey } from '../scim/schema/schema.registry';
import { ResourceDocument } from '../scim/document/resource-document';
import { interpretScimResource } from '../scim/projection/projection-test.reference';
import * as projection from '../scim/projection/projection';
import { MAX_REQUESTED_SELECTIONS, ResourcePresenter } from './resource.presenter';
import { BASE_URL, ctx, resourceFixture, storedGroup, storedUser } from './resource-test.fixtures';
import { attributesOf, locationOf } from './stored-document';

const ALICE = 'a0000000-0000-4000-8000-000000000001';
const BOSS = 'b0000000-0000-4000-8000-000000000002';
const SALES = 'c0000000-0000-4000-8000-000000000003';
const ALL = 'd0000000-0000-4000-8000-000000000004';

describe(ResourcePresenter.name, () => {
  const managed = (): ResourceDocument => ({
    ...storedUser(ALICE, { [extensionStorageKey(ENTERPRISE_USER_SCHEMA)]: { manager: { value: BOSS } } }),
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    _secret: { password: 'scrypt$hash' },
  });

  /** alice is in Sales, Sales is in All; the manager is called Boss. */
  function fixture() {
    const f = resourceFixture();
    f.memberships.groupsWithMember.mockImplementation(async (_t, ids) =>
      [
        { groupId: SALES, memberId: ALICE, memberType: 'User' },
        { groupId: ALL, memberId: SALES, memberType: 'Group' },
      ].filter((m) => ids.includes(m.memberId)),
    );
    f.resources.find.mockImplementation(async (_t, type, query) => {
      const ids = (query.id as { $in: string[] }).$in;
      const all = [storedUser(BOSS, { displayName: 'Boss' }), storedGroup(SALES), storedGroup(ALL)];
      const resources = all.filter((d) => d._type === type && ids.includes(d.id));
      return { totalResults: resources.length, resources };
    });
    return f;
  }

  it('projects a user with meta.location, its direct and indirect groups and the manager displayName', async () => {
    const f = fixture();
    const sut = f.presenter;
    const view = await sut.view(ctx, managed(), {});
    expect(view.location).toBe(`${BASE_URL}/Users/${ALICE}`);
    expect(view.body).toMatchObject({
      meta: { location: view.location, version: view.version },
      [ENTERPRISE_USER_SCHEMA]: { manager: { value: BOSS, displayName: 'Boss' } },
      groups: [
        { value: SALES, $ref: `${BASE_URL}/Groups/${SALES}`, type: 'direct', display: SALES },
        { value: ALL, $ref: `${BASE_URL}/Groups/${ALL}`, type: 'indirect', display: ALL },
      ],
    });
    expect(view.body).not.toHaveProperty('password');
  });

  it('loads nothing that the selection leaves out', async () => {
    const f = fixture();
    const view = await f.presenter.view(ctx, managed(), { attributes: 'userName' });
    expect(Object.keys(view.body).sort()).toEqual(['id', 'schemas', 'userName']);
    expect([f.memberships.groupsWithMember.mock.calls.length, f.resources.find.mock.calls.length]).toEqual([
      0, 0,
    ]);
  });

  it("projects nothing for 'none' (a 204 answer) and still tells version and location", async () => {
    const f = fixture();
    const view = await f.presenter.view(ctx, storedGroup(SALES), 'none');
    expect(view).toEqual({ body: {}, version: 'W/"1-c0000000"', location: `${BASE_URL}/Groups/${SALES}` });
    expect(f.memberships.membersOf).not.toHaveBeenCalled();
  });

  it('shows group members with their display names, one find per type for a whole page', async () => {
    const f = fixture();
    f.memberships.membersOf.mockResolvedValue([{ groupId: ALL, memberId: SALES, memberType: 'Group' }]);
    const views = await f.presenter.views(ctx, [storedGroup(ALL), storedGroup(SALES)], {});
    expect(views[0].body.members).toEqual([
      { value: SALES, $ref: `${BASE_URL}/Groups/${SALES}`, type: 'Group', display: SALES },
    ]);
    expect(f.resources.find).toHaveBeenCalledTimes(1);
  });

  it('projects the stored document as the reference interpreter projects its attributes', async () => {
    const CUSTOM = 'urn:ietf:params:scim:schemas:extension:Custom:2.0:User';
    const doc = {
      ...managed(),
      name: { givenName: 'Alice', familyName: 'Smith' },
      emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
      [extensionStorageKey(CUSTOM)]: { site: 'Oslo' },
      _ci: { userName: 'alice' },
    };
    const f = fixture();
    for (const selection of [
      {},
      { attributes: 'userName,emails.value,urn:ietf:params:scim:schemas:extension:Custom:2.0:User:site' },
      { excludedAttributes: 'groups,name.familyName' },
    ]) {
      const view = await f.presenter.view(ctx, doc, selection);
      const enterprise = doc[extensionStorageKey(ENTERPRISE_USER_SCHEMA)] as { manager: object };
      const withManagerName = {
        ...attributesOf(doc, true),
        [extensionStorageKey(ENTERPRISE_USER_SCHEMA)]: {
          manager: { ...enterprise.manager, displayName: 'Boss' },
        },
      };
      const expected = interpretScimResource(f.registry, 'User', withManagerName, {
        location: locationOf(BASE_URL, doc),
        baseUrl: BASE_URL,
        attributes: selection.attributes?.split(','),
        excludedAttributes: selection.excludedAttributes?.split(','),
        groups: [
          { value: SALES, type: 'direct', display: SALES },
          { value: ALL, type: 'indirect', display: ALL },
        ],
      });
      expect(JSON.stringify(view.body)).toBe(JSON.stringify(expected));
    }
  });

  describe('requested selections', () => {
    afterEach(() => jest.restoreAllMocks());

    it('are parsed once and reused while a client repeats them', async () => {
      const f = fixture();
      const parse = jest.spyOn(projection, 'parseAttributeList');
      const first = await f.presenter.view(ctx, managed(), { attributes: 'userName,emails' });
      const again = await f.presenter.view(ctx, managed(), { attributes: 'userName,emails' });
      expect(again.body).toEqual(first.body);
      expect(parse).toHaveBeenCalledTimes(2); // attributes and excludedAttributes, the first time only
    });

    it(`are kept up to ${MAX_REQUESTED_SELECTIONS}, the least recently used dropped first`, async () => {
      const f = fixture();
      const parse = jest.spyOn(projection, 'parseAttributeList');
      const read = (attributes: string) => f.presenter.view(ctx, managed(), { attributes });
      await read('userName');
      await read('displayName');
      for (let i = 0; i < MAX_REQUESTED_SELECTIONS; i++) {
        await read(`nosuch${i}`);
        await read('userName');
      }
      parse.mockClear();
      await read('userName');
      expect(parse).not.toHaveBeenCalled();
      await read('displayName');
      expect(parse).toHaveBeenCalledTimes(2);
    });
  });

  describe('snapshot', () => {
    it('is the default view of a user without groups and password, with the manager displayName', async () => {
      const f = fixture();
      const doc = managed();
      const { groups: _groups, ...expected } = (await f.presenter.view(ctx, doc, {})).body;
      f.memberships.groupsWithMember.mockClear();
      const sut = await f.presenter.snapshot(ctx, doc);
      expect(sut).toEqual(expected);
      expect(f.memberships.groupsWithMember).not.toHaveBeenCalled();
    });

    it('is a group without members, loading none', async () => {
      const f = fixture();
      const sut = await f.presenter.snapshot(ctx, storedGroup(SALES));
      expect(sut).toEqual({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        id: SALES,
        displayName: SALES,
        meta: expect.objectContaining({ resourceType: 'Group', location: `${BASE_URL}/Groups/${SALES}` }),
      });
      expect([f.memberships.membersOf.mock.calls.length, f.resources.find.mock.calls.length]).toEqual([0, 0]);
    });
  });
});
