import { MembershipGraph } from './membership.graph';

describe(MembershipGraph.name, () => {
  let sut: MembershipGraph;

  beforeEach(() => {
    sut = new MembershipGraph();
  });

  it('adds a membership once', () => {
    expect([sut.add('g', 'u', 'User'), sut.add('g', 'u', 'Group')]).toEqual([true, false]);
    expect(sut.membersOf('g')).toEqual([{ groupId: 'g', memberId: 'u', memberType: 'User' }]);
  });

  it('indexes both directions', () => {
    sut.add('g1', 'u', 'User');
    sut.add('g2', 'u', 'User');
    expect(sut.groupsWithMember('u').map((m) => m.groupId)).toEqual(['g1', 'g2']);
  });

  it('removes in both directions', () => {
    sut.add('g', 'u', 'User');
    expect(sut.remove('g', 'u')).toBe(true);
    expect([sut.has('g', 'u'), sut.groupsWithMember('u'), sut.remove('g', 'u')]).toEqual([false, [], false]);
  });

  it('removes a whole group from its members', () => {
    sut.add('g', 'u1', 'User');
    sut.add('g', 'u2', 'User');
    sut.add('h', 'u1', 'User');
    sut.removeGroup('g');
    expect([sut.membersOf('g'), sut.groupsWithMember('u1').map((m) => m.groupId)]).toEqual([[], ['h']]);
  });

  it('removes a member from all its groups', () => {
    sut.add('g', 'u', 'User');
    sut.add('h', 'u', 'User');
    sut.add('h', 'v', 'User');
    sut.removeMember('u');
    expect([sut.membersOf('g'), sut.membersOf('h').map((m) => m.memberId)]).toEqual([[], ['v']]);
  });

  it('lists the groups with members, forgetting a group whose last member left', () => {
    sut.add('g', 'u', 'User');
    sut.add('h', 'u', 'User');
    sut.add('h', 'v', 'User');
    sut.remove('g', 'u');
    expect(sut.groupIds()).toEqual(['h']);
  });

  it('lists the members of any group, forgetting a member whose last group went', () => {
    sut.add('g', 'u', 'User');
    sut.add('h', 'u', 'User');
    sut.add('h', 'k', 'Group');
    sut.add('j', 'v', 'User');
    sut.removeGroup('j');
    expect(sut.memberIds()).toEqual(['u', 'k']);
  });
});

describe(`${MembershipGraph.name} with members of one and of several groups`, () => {
  it('keeps the groups of a member in the order they were joined as it leaves and joins again', () => {
    const sut = new MembershipGraph();
    for (const group of ['g1', 'g2', 'g3']) sut.add(group, 'u', 'User');
    sut.remove('g1', 'u');
    sut.remove('g2', 'u');
    expect(sut.groupsWithMember('u').map((m) => m.groupId)).toEqual(['g3']);
    sut.add('g1', 'u', 'User');
    expect(sut.groupsWithMember('u').map((m) => m.groupId)).toEqual(['g3', 'g1']);
    sut.removeMember('u');
    expect([sut.groupsWithMember('u'), sut.memberIds(), sut.groupIds()]).toEqual([[], [], []]);
  });

  it('keeps the member type of each membership', () => {
    const sut = new MembershipGraph();
    sut.add('g', 'u', 'User');
    sut.add('g', 'h', 'Group');
    sut.add('g', 'x', 'Device');
    expect(sut.membersOf('g').map((m) => m.memberType)).toEqual(['User', 'Group', 'Device']);
  });
});
