import { mock } from 'jest-mock-extended';
import { Membership, MembershipRepository } from '../store/ports';
import { GroupMembershipReader } from './group-membership.reader';

/** u1 ∈ g1, g1 ∈ g2, g2 ∈ g1 (a cycle), u2 ∈ g2. */
const RECORDS: Membership[] = [
  { groupId: 'g1', memberId: 'u1', memberType: 'User' },
  { groupId: 'g2', memberId: 'g1', memberType: 'Group' },
  { groupId: 'g1', memberId: 'g2', memberType: 'Group' },
  { groupId: 'g2', memberId: 'u2', memberType: 'User' },
];

describe(GroupMembershipReader.name, () => {
  const memberships = mock<MembershipRepository>();
  const sut = new GroupMembershipReader(memberships);

  beforeEach(() => {
    jest.clearAllMocks();
    memberships.groupsWithMember.mockImplementation(async (_t, ids) =>
      RECORDS.filter((r) => ids.includes(r.memberId)),
    );
    memberships.membersOf.mockImplementation(async (_t, groupId) =>
      RECORDS.filter((r) => r.groupId === groupId),
    );
  });

  it('walks up from users to direct and indirect groups, one store call per level, through cycles', async () => {
    const groups = await sut.groupsOfUsers('t', ['u1', 'u2', 'u1']);
    expect([...groups.entries()].map(([user, seen]) => [user, [...seen.entries()]])).toEqual([
      [
        'u1',
        [
          ['g1', 'direct'],
          ['g2', 'indirect'],
        ],
      ],
      [
        'u2',
        [
          ['g2', 'direct'],
          ['g1', 'indirect'],
        ],
      ],
    ]);
    expect(memberships.groupsWithMember).toHaveBeenCalledTimes(2);
  });

  it('asks nothing for no users', async () => {
    expect((await sut.groupsOfUsers('t', [])).size).toBe(0);
    expect(memberships.groupsWithMember).not.toHaveBeenCalled();
  });

  it('walks down to every member of nested groups, each group asked once', async () => {
    expect((await sut.membersWithin('t', ['g2'])).sort()).toEqual(['g1', 'g2', 'u1', 'u2']);
    expect(memberships.membersOf.mock.calls.map((c) => c[1])).toEqual(['g2', 'g1']);
  });
});
