import { MembershipRepository, ResourceRepository } from '../../../src/store/ports';
import { TestApp } from '../harness';
import { ENTERPRISE, Json, patchOp, ScimClient, startClient } from './protocol.helpers';

/** The store methods a read may call, spied on so that a test can count the calls of one request. */
const RESOURCE_CALLS = ['find', 'findById', 'existingIds'] as const;
const MEMBERSHIP_CALLS = [
  'membersOf',
  'groupsWithMember',
  'existingMembers',
  'groupIdsWithAnyMember',
  'memberIdsInAnyGroup',
] as const;

const STAFF = 10;

describe('Pages of users and groups: memberships, display names and store calls (e2e)', () => {
  let t: TestApp;
  let scim: ScimClient;
  let spies: Record<string, jest.SpyInstance>;
  const bosses: Json[] = [];
  const staff: Json[] = [];
  let team: Json;
  let inner: Json;
  let outer: Json;
  let empty: Json;
  let emptied: Json;

  beforeAll(async () => {
    ({ t, scim } = await startClient());
    bosses.push(await scim.createUser({ userName: 'boss-a', displayName: 'Boss A' }));
    bosses.push(await scim.createUser({ userName: 'boss-b', displayName: 'Boss B' }));
    // No displayName: manager.displayName is then left out (the userName is not a displayName).
    bosses.push(await scim.createUser({ userName: 'boss-c' }));
    for (let i = 0; i < STAFF; i++) {
      staff.push(
        await scim.createUser({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
          userName: `staff-${i}`,
          displayName: `Staff ${i}`,
          [ENTERPRISE]: { manager: { value: bosses[i % 3].id } },
        }),
      );
    }
    const evens = staff.filter((_, i) => i % 2 === 0);
    team = await scim.createGroup({ displayName: 'Team', members: staff.map((u) => ({ value: u.id })) });
    inner = await scim.createGroup({ displayName: 'Inner', members: evens.map((u) => ({ value: u.id })) });
    // staff-0 is in Outer directly and through Inner; the other even ones only through Inner.
    outer = await scim.createGroup({
      displayName: 'Outer',
      members: [{ value: inner.id }, { value: staff[0].id }],
    });
    empty = await scim.createGroup({ displayName: 'Empty' });
    emptied = await scim.createGroup({ displayName: 'Emptied', members: [{ value: bosses[0].id }] });
    const removed = await scim.patch(`/Groups/${emptied.id}`, patchOp({ op: 'remove', path: 'members' }));
    expect(removed.statusCode).toBeLessThan(300);
  });
  afterAll(() => t.close());

  beforeEach(() => {
    const resources = t.app.get(ResourceRepository);
    const memberships = t.app.get(MembershipRepository);
    spies = {};
    for (const name of RESOURCE_CALLS) spies[name] = jest.spyOn(resources, name);
    for (const name of MEMBERSHIP_CALLS) spies[name] = jest.spyOn(memberships, name);
  });
  afterEach(() => jest.restoreAllMocks());

  /** Store calls made since the spies were last cleared, by method (methods not called are left out). */
  function storeCalls(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [name, spy] of Object.entries(spies)) {
      if (spy.mock.calls.length > 0) counts[name] = spy.mock.calls.length;
    }
    return counts;
  }

  async function page(path: string, params: Record<string, string | number>): Promise<Json> {
    for (const spy of Object.values(spies)) spy.mockClear();
    const response = await scim.query(path, params);
    expect(response.statusCode).toBe(200);
    return response.json<Json>();
  }

  const staffPage = (count: number, extra: Record<string, string> = {}) =>
    page('/Users', { filter: 'userName sw "staff-"', count, ...extra });

  /** What staff-i's groups must be: every one in Team; even ones in Inner, hence in Outer. */
  function expectedGroups(i: number): Json[] {
    const groups: Json[] = [{ value: team.id, display: 'Team', type: 'direct' }];
    if (i % 2 === 0) groups.push({ value: inner.id, display: 'Inner', type: 'direct' });
    if (i === 0) groups.push({ value: outer.id, display: 'Outer', type: 'direct' });
    else if (i % 2 === 0) groups.push({ value: outer.id, display: 'Outer', type: 'indirect' });
    return groups;
  }

  const groupsOf = (user: Json) =>
    (user.groups as Json[] | undefined)
      ?.map(({ value, display, type }: Json) => ({ value, display, type }))
      .sort((a, b) => (a.value < b.value ? -1 : 1));
  const sorted = (groups: Json[]) => [...groups].sort((a, b) => (a.value < b.value ? -1 : 1));

  it('gives every user of a page its direct and indirect groups with their display names', async () => {
    const body = await staffPage(STAFF);

    expect(body.Resources).toHaveLength(STAFF);
    for (const user of body.Resources as Json[]) {
      const i = Number(String(user.userName).slice('staff-'.length));
      expect({ userName: user.userName, groups: groupsOf(user) }).toEqual({
        userName: user.userName,
        groups: sorted(expectedGroups(i)),
      });
    }
  });

  it("gives every user of a page its manager's displayName, and none when the manager has none", async () => {
    const body = await staffPage(STAFF);

    for (const user of body.Resources as Json[]) {
      const i = Number(String(user.userName).slice('staff-'.length));
      const boss = bosses[i % 3];
      const expected: Json = { value: boss.id, $ref: expect.stringContaining(`/Users/${boss.id}`) };
      if (boss.displayName !== undefined) expected.displayName = boss.displayName;
      expect(user[ENTERPRISE].manager).toEqual(expected);
    }
  });

  it('returns each resource of a page exactly as a GET of that resource does', async () => {
    const body = await staffPage(STAFF);

    for (const user of body.Resources as Json[]) {
      const single = (await scim.get(`/Users/${user.id}`)).json<Json>();
      expect({ ...user, groups: groupsOf(user) }).toEqual({ ...single, groups: groupsOf(single) });
    }
  });

  it('makes as many store calls for a page of 10 users as for a page of 2 with the same nesting', async () => {
    // staff-0 and staff-2 between them reach every group and every level of nesting that the 10 users reach.
    await page('/Users', { filter: 'userName eq "staff-0" or userName eq "staff-2"' });
    const small = storeCalls();
    const body = await staffPage(STAFF);
    const large = storeCalls();

    expect(body.Resources).toHaveLength(STAFF);
    // One find for the page, one for the group names, one for the manager names; groupsWithMember for the users,
    // then for their groups (Team, Inner, Outer); Outer's parents are known by then, so no third level is asked.
    expect({ small, large }).toEqual({ small: large, large: { find: 3, groupsWithMember: 2 } });
  });

  it('asks the groups of a nesting level once for the whole page, whatever the page size', async () => {
    // staff-2 alone: users → Team, Inner; → Outer; → nothing. Depth, not size, sets the number of calls.
    await page('/Users', { filter: 'userName eq "staff-2"' });
    const one = storeCalls();
    await page('/Users', {
      filter: 'userName eq "staff-2" or userName eq "staff-4" or userName eq "staff-6"',
    });
    const three = storeCalls();

    expect({ one, three }).toEqual({ one: three, three: { find: 3, groupsWithMember: 3 } });
  });

  it('loads neither groups nor managers when attributes leave them out', async () => {
    const body = await staffPage(STAFF, { attributes: 'userName' });

    expect(storeCalls()).toEqual({ find: 1 });
    expect(
      (body.Resources as Json[]).every((u) => u.groups === undefined && u[ENTERPRISE] === undefined),
    ).toBe(true);
  });

  it('loads the managers but not the groups with excludedAttributes=groups', async () => {
    const body = await staffPage(STAFF, { excludedAttributes: 'groups' });

    expect(storeCalls()).toEqual({ find: 2 });
    expect(body.Resources[0].groups).toBeUndefined();
    expect(body.Resources[0][ENTERPRISE].manager.value).toBeDefined();
  });

  it('gives every group of a page its members with display names, names found in one find per type', async () => {
    const body = await page('/Groups', { filter: 'displayName eq "Team" or displayName eq "Outer"' });

    const byName = new Map<string, Json>((body.Resources as Json[]).map((g) => [g.displayName, g]));
    const members = (name: string) =>
      (byName.get(name)!.members as Json[])
        .map(({ value, display, type }: Json) => ({ value, display, type }))
        .sort((a, b) => (a.value < b.value ? -1 : 1));
    expect(members('Team')).toEqual(
      sorted(staff.map((u) => ({ value: u.id, display: u.displayName, type: 'User' }))),
    );
    expect(members('Outer')).toEqual(
      sorted([
        { value: inner.id, display: 'Inner', type: 'Group' },
        { value: staff[0].id, display: 'Staff 0', type: 'User' },
      ]),
    );
    // The page, then the User names and the Group names; membersOf once per group.
    expect(storeCalls()).toEqual({ find: 3, membersOf: 2 });
  });

  it('filters users by groups pr with one membership call', async () => {
    const body = await page('/Users', { filter: 'groups pr', count: 100 });

    expect((body.Resources as Json[]).map((u) => u.id).sort()).toEqual(staff.map((u) => u.id).sort());
    // memberIdsInAnyGroup for the filter; the rest projects the page (see the store-call test above).
    expect(storeCalls()).toEqual({ find: 3, groupsWithMember: 2, memberIdsInAnyGroup: 1 });
  });

  it('filters users by not (groups pr)', async () => {
    const body = await page('/Users', { filter: 'not (groups pr)', count: 100, attributes: 'userName' });

    expect((body.Resources as Json[]).map((u) => u.userName).sort()).toEqual(['boss-a', 'boss-b', 'boss-c']);
  });

  it('filters groups by members pr with one membership call, leaving out empty and emptied groups', async () => {
    const all = await page('/Groups', { attributes: 'displayName' });
    const body = await page('/Groups', { filter: 'members pr', attributes: 'displayName' });

    expect((all.Resources as Json[]).map((g) => g.id)).toEqual(
      expect.arrayContaining([empty.id, emptied.id]),
    );
    expect((body.Resources as Json[]).map((g) => g.displayName).sort()).toEqual(['Inner', 'Outer', 'Team']);
    expect(storeCalls()).toEqual({ find: 1, groupIdsWithAnyMember: 1 });
  });

  it('stops at a cycle of nested groups, listing each group once', async () => {
    const user = await scim.createUser({ userName: 'cyclist' });
    const first = await scim.createGroup({ displayName: 'First', members: [{ value: user.id }] });
    const second = await scim.createGroup({ displayName: 'Second', members: [{ value: first.id }] });
    const closed = await scim.patch(
      `/Groups/${first.id}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: second.id }] }),
    );
    expect(closed.statusCode).toBeLessThan(300);

    const body = await page('/Users', { filter: 'userName eq "cyclist"' });

    expect(groupsOf(body.Resources[0])).toEqual(
      sorted([
        { value: first.id, display: 'First', type: 'direct' },
        { value: second.id, display: 'Second', type: 'indirect' },
      ]),
    );
  });
});
