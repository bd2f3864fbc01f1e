import { Injectable } from '@nestjs/common';
import { ResourceDocument } from '../scim/document/resource-document';
import { ScimError } from '../scim/errors';
import { MembersDelta as PatchMembersDelta } from '../scim/patch/patch.types';
import { MemberInput } from '../scim/schema/resource.validator';
import { membersDelta } from '../journal/journal-entry.builder';
import { missingMembersError } from '../store/missing-members.error';
import {
  Membership,
  MembershipChange,
  MembershipRepository,
  MemberRefValue,
  MembersDelta,
  ResourceRepository,
} from '../store/ports';
import { unique } from './stored-document';

type TypedMember = Omit<Membership, 'groupId'>;

/** What a Group write does to the membership records, and the delta it takes effect as (for the journal). */
export interface PlannedMembership {
  change?: MembershipChange;
  effect: MembersDelta;
  /** Whether the membership changes (for `changedAttributes` and RFC 7644 §3.5.2.1 no-op PATCHes). */
  changes: boolean;
}

/** What a delete takes with it: a Group's members, and the groups the resource was a direct member of. */
export interface DeletedMemberships {
  members?: MembersDelta;
  memberOf: { removed: MemberRefValue[] };
}

/**
 * The membership side of the write commands. Members must be resources of this tenant (a foreign or unknown id
 * is refused exactly like an unknown one), and a group cannot contain itself. These checks are an early answer
 * only: a member deleted between here and the commit is refused by the commit itself (ResourceRepository.commit).
 */
@Injectable()
export class MembershipPlanner {
  constructor(
    private readonly resources: ResourceRepository,
    private readonly memberships: MembershipRepository,
  ) {}

  /** A new group: every member is added. */
  async forCreate(tenantId: string, groupId: string, members: MemberInput[]): Promise<PlannedMembership> {
    const typed = await this.typedMembers(tenantId, groupId, members);
    const effect = { added: typed.map(toRef), removed: [] };
    return {
      change: typed.length > 0 ? { groupId, add: typed } : undefined,
      effect,
      changes: typed.length > 0,
    };
  }

  /** RFC 7644 §3.5.1 PUT: the member list replaces the current one; the delta is the difference of both. */
  async forReplace(tenantId: string, groupId: string, members: MemberInput[]): Promise<PlannedMembership> {
    const typed = await this.typedMembers(tenantId, groupId, members);
    const current = await this.memberships.membersOf(tenantId, groupId);
    const effect = membersDelta(current.map(toRef), typed.map(toRef));
    return {
      change: { groupId, removeAll: true, add: typed },
      effect,
      changes: effect.added.length > 0 || effect.removed.length > 0,
    };
  }

  /**
   * The member operations of a PATCH, applied as removeAll, remove, add (see the engine's MembersDelta). Only
   * members not yet present count as added and only present ones as removed: Entra retries adds of thousands of
   * members (docs/entra.md), so presence is one existingMembers question for all of them, not one per member.
   */
  async forPatch(tenantId: string, groupId: string, delta: PatchMembersDelta): Promise<PlannedMembership> {
    const addIds = unique(delta.add.map((m) => m.value));
    if (delta.removeAll) {
      const [added, current] = await Promise.all([
        this.typedMembers(tenantId, groupId, delta.add),
        this.memberships.membersOf(tenantId, groupId),
      ]);
      const change = { groupId, removeAll: true, remove: delta.remove, add: added };
      return { change, effect: membersDelta(current.map(toRef), added.map(toRef)), changes: true };
    }
    const ids = unique([...delta.remove, ...addIds]);
    // The types of removed members come with the add check: one existingIds question per type in all.
    const [types, present] = await Promise.all([
      this.memberTypes(tenantId, groupId, addIds, delta.remove),
      ids.length > 0 ? this.memberships.existingMembers(tenantId, groupId, ids) : new Set<string>(),
    ]);
    const added = addIds.map((id) => ({ memberId: id, memberType: types.get(id)! }));
    const readded = new Set(addIds);
    const effect = {
      added: added.filter((m) => !present.has(m.memberId)).map(toRef),
      removed: unique(delta.remove)
        .filter((id) => present.has(id) && !readded.has(id))
        .map((id) => ({ value: id, type: types.get(id) ?? 'User' })),
    };
    return {
      change: { groupId, removeAll: false, remove: delta.remove, add: added },
      effect,
      changes: delta.remove.some((id) => present.has(id)) || addIds.some((id) => !present.has(id)),
    };
  }

  /**
   * Read before the commit, which deletes these memberships with the resource. A membership added or removed
   * by another request between this read and the commit is not reflected in the entry: the compare-and-swap
   * covers the resource's own revision, not the membership records of other groups.
   */
  async forDelete(tenantId: string, doc: ResourceDocument): Promise<DeletedMemberships> {
    const [parents, members] = await Promise.all([
      this.memberships.groupsWithMember(tenantId, [doc.id]),
      doc._type === 'Group' ? this.memberships.membersOf(tenantId, doc.id) : undefined,
    ]);
    const memberOf = {
      removed: unique(parents.map((m) => m.groupId)).map((value) => ({ value, type: 'Group' })),
    };
    return members ? { members: { added: [], removed: members.map(toRef) }, memberOf } : { memberOf };
  }

  /** The members to add with their resource type; 400 for a group in itself or a member that does not exist. */
  private async typedMembers(
    tenantId: string,
    groupId: string,
    members: MemberInput[],
  ): Promise<TypedMember[]> {
    const ids = unique(members.map((m) => m.value));
    const types = await this.memberTypes(tenantId, groupId, ids, []);
    return ids.map((id) => ({ memberId: id, memberType: types.get(id)! }));
  }

  /**
   * Id → 'User' or 'Group' for the members to add (each must exist) and for members to remove (whose type the
   * journal names; asked among groups only, the others are users).
   */
  private async memberTypes(
    tenantId: string,
    groupId: string,
    addIds: string[],
    removeIds: string[],
  ): Promise<Map<string, string>> {
    const types = new Map<string, string>();
    if (addIds.includes(groupId)) throw ScimError.invalidValue('A group cannot be a member of itself');
    const groupQuestion = unique([...addIds, ...removeIds]);
    if (groupQuestion.length === 0) return types;
    const [users, groups] = await Promise.all([
      addIds.length > 0 ? this.resources.existingIds(tenantId, 'User', addIds) : new Set<string>(),
      this.resources.existingIds(tenantId, 'Group', groupQuestion),
    ]);
    const missing = addIds.filter((id) => !users.has(id) && !groups.has(id));
    if (missing.length > 0) throw missingMembersError(missing);
    for (const id of groupQuestion) types.set(id, users.has(id) ? 'User' : groups.has(id) ? 'Group' : 'User');
    return types;
  }
}

function toRef(member: TypedMember): MemberRefValue {
  return { value: member.memberId, type: member.memberType };
}
