import { Membership } from '../ports';

/**
 * The member types as one string each: every membership row read from SQLite brings its own copy of "User",
 * 100,000 of them for a 100,000-member group.
 */
const MEMBER_TYPES = new Map(['User', 'Group'].map((type) => [type, type]));

/**
 * The memberships of one tenant, indexed both ways so that adding or removing one member, listing a group
 * and finding a member's groups all cost O(1) per membership, whatever the size of the group.
 */
export class MembershipGraph {
  /** group id → member id → member type */
  private readonly byGroup = new Map<string, Map<string, string>>();
  /**
   * member id → group ids: the group id itself while the member is in one group (most users of a large tenant
   * are), a Set from the second group on; 100,000 one-group members then cost 100,000 Sets less.
   */
  private readonly byMember = new Map<string, string | Set<string>>();

  has(groupId: string, memberId: string): boolean {
    return this.byGroup.get(groupId)?.has(memberId) ?? false;
  }

  /** Returns false when the membership already existed (left as it was). */
  add(groupId: string, memberId: string, memberType: string): boolean {
    let members = this.byGroup.get(groupId);
    if (!members) this.byGroup.set(groupId, (members = new Map()));
    if (members.has(memberId)) return false;
    members.set(memberId, MEMBER_TYPES.get(memberType) ?? memberType);
    const groups = this.byMember.get(memberId);
    if (groups === undefined) this.byMember.set(memberId, groupId);
    else if (typeof groups !== 'string') groups.add(groupId);
    else if (groups !== groupId) this.byMember.set(memberId, new Set([groups, groupId]));
    return true;
  }

  remove(groupId: string, memberId: string): boolean {
    const members = this.byGroup.get(groupId);
    if (!members?.delete(memberId)) return false;
    if (members.size === 0) this.byGroup.delete(groupId);
    const groups = this.byMember.get(memberId);
    if (groups === groupId) {
      this.byMember.delete(memberId);
    } else if (groups !== undefined && typeof groups !== 'string' && groups.delete(groupId)) {
      if (groups.size === 1) this.byMember.set(memberId, groups.values().next().value!);
    }
    return true;
  }

  removeGroup(groupId: string): void {
    const members = this.byGroup.get(groupId);
    if (!members) return;
    for (const memberId of [...members.keys()]) this.remove(groupId, memberId);
  }

  removeMember(memberId: string): void {
    for (const groupId of this.groupIdsOf(memberId)) this.remove(groupId, memberId);
  }

  membersOf(groupId: string): Membership[] {
    const members = this.byGroup.get(groupId);
    if (!members) return [];
    return [...members].map(([memberId, memberType]) => ({ groupId, memberId, memberType }));
  }

  /** Groups with at least one member: remove() drops a group's entry when its last member goes. */
  groupIds(): string[] {
    return [...this.byGroup.keys()];
  }

  /** Members of at least one group: remove() drops a member's entry when its last group goes. */
  memberIds(): string[] {
    return [...this.byMember.keys()];
  }

  groupsWithMember(memberId: string): Membership[] {
    return this.groupIdsOf(memberId).map((groupId) => ({
      groupId,
      memberId,
      memberType: this.byGroup.get(groupId)!.get(memberId)!,
    }));
  }

  /** A copy: callers may change the graph while they walk it. */
  private groupIdsOf(memberId: string): string[] {
    const groups = this.byMember.get(memberId);
    if (groups === undefined) return [];
    return typeof groups === 'string' ? [groups] : [...groups];
  }
}
