import { Injectable } from '@nestjs/common';
import { MembershipRepository } from '../store/ports';
import { unique } from './stored-document';

/** How a user belongs to a group (RFC 7643 §4.1.2 groups.type). */
export type MembershipKind = 'direct' | 'indirect';

/**
 * The nested-group walks (RFC 7643 §4.1.2: a user's `groups` holds direct memberships and those reached
 * through nested groups). Both walks advance one level of nesting per round for all their starting points at
 * once, so the number of store calls depends on the depth of nesting, not on how many users or groups.
 */
@Injectable()
export class GroupMembershipReader {
  constructor(private readonly memberships: MembershipRepository) {}

  /**
   * User id → the groups it belongs to, directly or through nested groups, in the order found (direct ones
   * first). One groupsWithMember call per level of nesting, each group's parents asked once.
   */
  async groupsOfUsers(
    tenantId: string,
    userIds: string[],
  ): Promise<Map<string, Map<string, MembershipKind>>> {
    const byUser = new Map<string, Map<string, MembershipKind>>();
    if (userIds.length === 0) return byUser;
    /** Member id (a user, or a group of a frontier) → the groups it is a direct member of. */
    const parentsOf = new Map<string, string[]>();
    const walks = unique(userIds).map((userId) => ({
      userId,
      seen: new Map<string, MembershipKind>(),
      frontier: [userId],
    }));
    let kind: MembershipKind = 'direct';
    for (let active = walks; active.length > 0; active = active.filter((w) => w.frontier.length > 0)) {
      const unknown = unique(active.flatMap((w) => w.frontier)).filter((id) => !parentsOf.has(id));
      if (unknown.length > 0) {
        for (const id of unknown) parentsOf.set(id, []);
        for (const { groupId, memberId } of await this.memberships.groupsWithMember(tenantId, unknown)) {
          parentsOf.get(memberId)?.push(groupId);
        }
      }
      for (const walk of active) {
        const next: string[] = [];
        for (const memberId of walk.frontier) {
          for (const groupId of parentsOf.get(memberId)!) {
            if (walk.seen.has(groupId)) continue;
            walk.seen.set(groupId, kind);
            next.push(groupId);
          }
        }
        walk.frontier = next;
      }
      kind = 'indirect';
    }
    for (const walk of walks) byUser.set(walk.userId, walk.seen);
    return byUser;
  }

  /**
   * Every member of these groups and of the groups nested in them (`groups eq "g"` matches members of g's
   * nested groups too, because `groups` shows both): walks down one level per round, each group once.
   */
  async membersWithin(tenantId: string, groupIds: string[]): Promise<string[]> {
    const memberIds = new Set<string>();
    const seenGroups = new Set(groupIds);
    for (let frontier = [...seenGroups]; frontier.length > 0;) {
      const members = await Promise.all(
        frontier.map((groupId) => this.memberships.membersOf(tenantId, groupId)),
      );
      frontier = [];
      for (const { memberId, memberType } of members.flat()) {
        memberIds.add(memberId);
        if (memberType === 'Group' && !seenGroups.has(memberId)) {
          seenGroups.add(memberId);
          frontier.push(memberId);
        }
      }
    }
    return [...memberIds];
  }
}
