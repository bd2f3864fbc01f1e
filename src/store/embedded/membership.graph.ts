import { Membership } from '../ports';

/**
 * The memberships of one tenant, indexed both ways so that adding or removing one member, listing a group
 * and finding a member's groups all cost O(1) per membership, whatever the size of the group.
 */
export class MembershipGraph {
  /** group id → member id → member type */
  private readonly byGroup = new Map<string, Map<string, string>>();
  /** member id → group ids */
  private readonly byMember = new Map<string, Set<string>>();

  has(groupId: string, memberId: string): boolean {
    return this.byGroup.get(groupId)?.has(memberId) ?? false;
  }

  /** Returns false when the membership already existed (left as it was). */
  add(groupId: string, memberId: string, memberType: string): boolean {
    let members = this.byGroup.get(groupId);
    if (!members) this.byGroup.set(groupId, (members = new Map()));
    if (members.has(memberId)) return false;
    members.set(memberId, memberType);
    let groups = this.byMember.get(memberId);
    if (!groups) this.byMember.set(memberId, (groups = new Set()));
    groups.add(groupId);
    return true;
  }

  remove(groupId: string, memberId: string): boolean {
    const members = this.byGroup.get(groupId);
    if (!members?.delete(memberId)) return false;
    if (members.size === 0) this.byGroup.delete(groupId);
    const groups = this.byMember.get(memberId);
    groups?.delete(groupId);
    if (groups?.size === 0) this.byMember.delete(memberId);
    return true;
  }

  removeGroup(groupId: string): void {
    const members = this.byGroup.get(groupId);
    if (!members) return;
    for (const memberId of [...members.keys()]) this.remove(groupId, memberId);
  }

  removeMember(memberId: string): void {
    const groups = this.byMember.get(memberId);
    if (!groups) return;
    for (const groupId of [...groups]) this.remove(groupId, memberId);
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
    const groups = this.byMember.get(memberId);
    if (!groups) return [];
    return [...groups].map((groupId) => ({
      groupId,
      memberId,
      memberType: this.byGroup.get(groupId)!.get(memberId)!,
    }));
  }
}
