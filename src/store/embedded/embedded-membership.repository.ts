import { Membership, MembershipRepository } from '../ports';
import { EmbeddedStore } from './embedded.store';

/** Reads only: memberships change through ResourceRepository.commit (a MembershipChange of a WriteUnit). */
export class EmbeddedMembershipRepository extends MembershipRepository {
  constructor(private readonly store: EmbeddedStore) {
    super();
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
