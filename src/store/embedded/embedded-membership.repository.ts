import { Membership, MembershipRepository } from '../ports';
import { EmbeddedStore } from './embedded.store';

/** Keeps the first occurrence of each member id: one request may name a member twice. */
function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && (seen.add(key(item)), true));
}

export class EmbeddedMembershipRepository extends MembershipRepository {
  constructor(private readonly store: EmbeddedStore) {
    super();
  }

  async add(tenantId: string, groupId: string, members: Omit<Membership, 'groupId'>[]): Promise<number> {
    const graph = this.store.graphForWrite(tenantId);
    const fresh = uniqueBy(members, (m) => m.memberId).filter((m) => !graph.has(groupId, m.memberId));
    if (fresh.length === 0) return 0;
    const { insertMembership } = this.store.statements;
    this.store.transaction(() => {
      for (const m of fresh) insertMembership.run(tenantId, groupId, m.memberId, m.memberType);
    });
    for (const m of fresh) graph.add(groupId, m.memberId, m.memberType);
    return fresh.length;
  }

  async remove(tenantId: string, groupId: string, memberIds: string[]): Promise<number> {
    const graph = this.store.graph(tenantId);
    if (!graph) return 0;
    const present = [...new Set(memberIds)].filter((memberId) => graph.has(groupId, memberId));
    if (present.length === 0) return 0;
    const { deleteMembership } = this.store.statements;
    this.store.transaction(() => {
      for (const memberId of present) deleteMembership.run(tenantId, groupId, memberId);
    });
    for (const memberId of present) graph.remove(groupId, memberId);
    return present.length;
  }

  async removeAllOfGroup(tenantId: string, groupId: string): Promise<void> {
    this.store.statements.deleteMembershipsOfGroup.run(tenantId, groupId);
    this.store.graph(tenantId)?.removeGroup(groupId);
  }

  async membersOf(tenantId: string, groupId: string): Promise<Membership[]> {
    return this.store.graph(tenantId)?.membersOf(groupId) ?? [];
  }

  async groupsWithMember(tenantId: string, memberIds: string[]): Promise<Membership[]> {
    const graph = this.store.graph(tenantId);
    if (!graph) return [];
    return [...new Set(memberIds)].flatMap((memberId) => graph.groupsWithMember(memberId));
  }

  async groupIdsWithAnyMember(tenantId: string): Promise<string[]> {
    return this.store.graph(tenantId)?.groupIds() ?? [];
  }

  async memberIdsInAnyGroup(tenantId: string): Promise<string[]> {
    return this.store.graph(tenantId)?.memberIds() ?? [];
  }

  async existingMembers(tenantId: string, groupId: string, memberIds: string[]): Promise<Set<string>> {
    const graph = this.store.graph(tenantId);
    return new Set(graph ? memberIds.filter((memberId) => graph.has(groupId, memberId)) : []);
  }
}
