import { Collection } from 'mongoose';
import { Membership, MembershipRepository } from '../ports';

const MEMBERSHIP_PROJECTION = { _id: 0, groupId: 1, memberId: 1, memberType: 1 };

function toMembership(doc: Record<string, unknown>): Membership {
  return {
    groupId: doc.groupId as string,
    memberId: doc.memberId as string,
    memberType: doc.memberType as string,
  };
}

/** Reads only: memberships change through ResourceRepository.commit (a MembershipChange of a WriteUnit). */
export class MongoMembershipRepository extends MembershipRepository {
  constructor(private readonly memberships: Collection) {
    super();
  }

  async membersOf(tenantId: string, groupId: string): Promise<Membership[]> {
    const docs = await this.memberships
      .find({ _tenant: tenantId, groupId }, { projection: MEMBERSHIP_PROJECTION })
      .toArray();
    return docs.map(toMembership);
  }

  async groupsWithMember(tenantId: string, memberIds: string[]): Promise<Membership[]> {
    if (memberIds.length === 0) return [];
    const docs = await this.memberships
      .find(
        { _tenant: tenantId, memberId: { $in: [...new Set(memberIds)] } },
        { projection: MEMBERSHIP_PROJECTION },
      )
      .toArray();
    return docs.map(toMembership);
  }

  /**
   * A distinct over the index prefix (_tenant, groupId): no group document is read. Its result is one BSON
   * document (16 MB, some 400,000 ids); the `{ id: { $in } }` query the ids go into has the same bound.
   */
  async groupIdsWithAnyMember(tenantId: string): Promise<string[]> {
    return (await this.memberships.distinct('groupId', { _tenant: tenantId })) as string[];
  }

  /** A distinct over the index (_tenant, memberId); same bound as groupIdsWithAnyMember. */
  async memberIdsInAnyGroup(tenantId: string): Promise<string[]> {
    return (await this.memberships.distinct('memberId', { _tenant: tenantId })) as string[];
  }

  /** One `$in` query, covered by the unique index (_tenant, groupId, memberId): no document is fetched. */
  async existingMembers(tenantId: string, groupId: string, memberIds: string[]): Promise<Set<string>> {
    if (memberIds.length === 0) return new Set();
    const docs = await this.memberships
      .find(
        { _tenant: tenantId, groupId, memberId: { $in: [...new Set(memberIds)] } },
        { projection: { _id: 0, memberId: 1 } },
      )
      .toArray();
    return new Set(docs.map((doc) => doc.memberId as string));
  }
}
