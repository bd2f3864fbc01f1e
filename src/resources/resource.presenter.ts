import { Injectable } from '@nestjs/common';
import { ResourceDocument } from '../scim/document/resource-document';
import { BoundedLru } from '../scim/bounded-lru';
import { CompiledProjection } from '../scim/projection/compiled-projection';
import { compiledProjection } from '../scim/projection/projection-cache';
import { GroupRef, MemberRef, parseAttributeList, wantsAttribute } from '../scim/projection/projection';
import { isPlainObject } from '../scim/schema/coerce';
import { ENTERPRISE_USER_SCHEMA } from '../scim/schema/schema-urns';
import { extensionStorageKey, SchemaRegistry } from '../scim/schema/schema.registry';
import { MembershipRepository, ResourceRepository } from '../store/ports';
import { GroupMembershipReader } from './group-membership.reader';
import { ResourceView, ScimRequestContext, ViewSelectionInput } from './resource.types';
import { locationOf, unique } from './stored-document';

const MANAGER_DISPLAY_NAME = `${ENTERPRISE_USER_SCHEMA}:manager.displayName`;

/**
 * Requested (non-default) selections kept parsed: clients choose `attributes` freely, so a bound keeps
 * arbitrary lists from growing memory; one cycling through many lists only costs parsing them again.
 */
export const MAX_REQUESTED_SELECTIONS = 64;

/** What a view projects for one resource type, and which lookups that needs. */
interface ViewSelection {
  /** attributes / excludedAttributes compiled: taken once per request, run per resource. */
  projection: CompiledProjection;
  members: boolean;
  groups: boolean;
  managerDisplayName: boolean;
}

/**
 * Stored document → SCIM representation (RFC 7643 §3, RFC 7644 §3.9): projection, meta.location, `$ref`, and
 * what is not stored in the document (members, groups, manager.displayName), loaded only when the response
 * carries it and for a whole page at once, so the number of store calls does not grow with the page size.
 */
@Injectable()
export class ResourcePresenter {
  constructor(
    private readonly registry: SchemaRegistry,
    private readonly resources: ResourceRepository,
    private readonly memberships: MembershipRepository,
    private readonly groupWalk: GroupMembershipReader,
  ) {}

  async view(
    ctx: ScimRequestContext,
    doc: ResourceDocument,
    selection: ViewSelectionInput,
  ): Promise<ResourceView> {
    return (await this.views(ctx, [doc], selection))[0];
  }

  /**
   * The resource as GET with the default attributes returns it, for the change journal (JournalEntryInput in
   * src/store/ports.ts): without the computed `groups` and without a Group's `members` (the entry's member
   * delta says what changed), so that a snapshot costs at most the manager's displayName lookup.
   */
  async snapshot(ctx: ScimRequestContext, doc: ResourceDocument): Promise<Record<string, unknown>> {
    const selection = { ...this.viewSelection(doc._type, {}), members: false, groups: false };
    return (await this.project(ctx, [doc], () => selection))[0].body;
  }

  async views(
    ctx: ScimRequestContext,
    docs: ResourceDocument[],
    selection: ViewSelectionInput,
  ): Promise<ResourceView[]> {
    if (selection === 'none') {
      return docs.map((doc) => ({
        body: {},
        version: doc.meta.version,
        location: locationOf(ctx.baseUrl, doc),
      }));
    }
    const selections = new Map<string, ViewSelection>();
    for (const resourceType of unique(docs.map((doc) => doc._type))) {
      selections.set(resourceType, this.viewSelection(resourceType, selection));
    }
    return this.project(ctx, docs, (resourceType) => selections.get(resourceType)!);
  }

  private async project(
    ctx: ScimRequestContext,
    docs: ResourceDocument[],
    selectionOf: (resourceType: string) => ViewSelection,
  ): Promise<ResourceView[]> {
    const wanting = (resourceType: string, what: 'members' | 'groups' | 'managerDisplayName') =>
      docs.filter((doc) => doc._type === resourceType && selectionOf(resourceType)[what]);
    const [members, groups, managerNames] = await Promise.all([
      this.loadMembers(
        ctx.tenantId,
        wanting('Group', 'members').map((doc) => doc.id),
      ),
      this.loadGroups(
        ctx.tenantId,
        wanting('User', 'groups').map((doc) => doc.id),
      ),
      this.managerDisplayNames(ctx.tenantId, wanting('User', 'managerDisplayName')),
    ]);
    return docs.map((doc) => {
      const wanted = selectionOf(doc._type);
      const location = locationOf(ctx.baseUrl, doc);
      // The projection is given the stored document itself, not a copy without the internal `_` fields: it
      // reads attributes by their names (ATTRNAMEs, never starting with `_`) and extensions by URN, and
      // copies what it returns. Only the manager's displayName, added on the way out, needs a copy.
      const stored = wanted.managerDisplayName ? withManagerDisplayName(doc, managerNames) : doc;
      const body = wanted.projection(stored, {
        location,
        baseUrl: ctx.baseUrl,
        members: wanted.members ? (members.get(doc.id) ?? []) : undefined,
        groups: wanted.groups ? (groups.get(doc.id) ?? []) : undefined,
      });
      return { body, version: doc.meta.version, location };
    });
  }

  /**
   * The selection of a request without `attributes` and `excludedAttributes` (nearly every request), per
   * resource type: the schema registry never changes after boot, so neither does it. Callers do not change it.
   */
  private readonly defaultSelections = new Map<string, ViewSelection>();

  /** The other selections by their raw parameters (see MAX_REQUESTED_SELECTIONS). */
  private readonly requestedSelections = new BoundedLru<string, ViewSelection>(MAX_REQUESTED_SELECTIONS);

  /** RFC 7644 §3.9 attributes / excludedAttributes of one resource type, and which lookups they call for. */
  private viewSelection(
    resourceType: string,
    selection: { attributes?: string; excludedAttributes?: string },
  ): ViewSelection {
    if (!selection.attributes && !selection.excludedAttributes) {
      let cached = this.defaultSelections.get(resourceType);
      if (!cached) {
        cached = this.selectionOf(resourceType, {});
        this.defaultSelections.set(resourceType, cached);
      }
      return cached;
    }
    // Parsing the lists and deciding the lookups costs more than projecting a small resource, and a client
    // repeats its list (Entra sends the same `attributes` on every read): the raw parameters are the key.
    const key = JSON.stringify([
      resourceType,
      selection.attributes ?? '',
      selection.excludedAttributes ?? '',
    ]);
    return this.requestedSelections.getOrCreate(key, () => this.selectionOf(resourceType, selection));
  }

  private selectionOf(
    resourceType: string,
    selection: { attributes?: string; excludedAttributes?: string },
  ): ViewSelection {
    const attributes = parseAttributeList(this.registry, resourceType, selection.attributes);
    const excludedAttributes = parseAttributeList(this.registry, resourceType, selection.excludedAttributes);
    const query = { attributes, excludedAttributes };
    const wants = (path: string) => wantsAttribute(this.registry, resourceType, path, query);
    return {
      projection: compiledProjection(this.registry, resourceType, attributes, excludedAttributes),
      members: resourceType === 'Group' && wants('members'),
      groups: resourceType === 'User' && wants('groups'),
      managerDisplayName: resourceType === 'User' && wants(MANAGER_DISPLAY_NAME),
    };
  }

  /**
   * RFC 7643 §4.3: manager.displayName is the manager's displayName, readOnly: looked up on the way out, never
   * stored, so a renamed manager shows up renamed. Manager id → displayName, one find for all the users.
   */
  private async managerDisplayNames(
    tenantId: string,
    users: ResourceDocument[],
  ): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const ids = unique(users.map(managerIdOf).filter((id): id is string => id !== undefined));
    if (ids.length === 0) return names;
    const found = await this.resources.find(
      tenantId,
      'User',
      { id: { $in: ids } },
      { skip: 0, limit: ids.length, fields: ['displayName'] },
    );
    for (const manager of found.resources) {
      if (typeof manager.displayName === 'string') names.set(manager.id, manager.displayName);
    }
    return names;
  }

  /** Group id → its members with their display names: membersOf per group, one display-name find per type. */
  private async loadMembers(tenantId: string, groupIds: string[]): Promise<Map<string, MemberRef[]>> {
    const records = await Promise.all(
      groupIds.map((groupId) => this.memberships.membersOf(tenantId, groupId)),
    );
    const displayNames = await this.displayNames(
      tenantId,
      records.flat().map((r) => ({ id: r.memberId, type: r.memberType })),
    );
    const byGroup = new Map<string, MemberRef[]>();
    groupIds.forEach((groupId, i) => {
      byGroup.set(
        groupId,
        records[i].map((r) =>
          withDisplay<MemberRef>({ value: r.memberId, type: r.memberType }, displayNames),
        ),
      );
    });
    return byGroup;
  }

  /** User id → its direct and indirect groups (GroupMembershipReader), then one display-name find. */
  private async loadGroups(tenantId: string, userIds: string[]): Promise<Map<string, GroupRef[]>> {
    const byUser = new Map<string, GroupRef[]>();
    if (userIds.length === 0) return byUser;
    const walked = await this.groupWalk.groupsOfUsers(tenantId, userIds);
    const names = await this.displayNames(
      tenantId,
      unique([...walked.values()].flatMap((seen) => [...seen.keys()])).map((id) => ({ id, type: 'Group' })),
    );
    for (const [userId, seen] of walked) {
      byUser.set(
        userId,
        [...seen.entries()].map(([value, type]) => withDisplay<GroupRef>({ value, type }, names)),
      );
    }
    return byUser;
  }

  private async displayNames(
    tenantId: string,
    refs: { id: string; type: string }[],
  ): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const type of ['User', 'Group']) {
      const ids = unique(refs.filter((r) => r.type === type).map((r) => r.id));
      if (ids.length === 0) continue;
      const found = await this.resources.find(
        tenantId,
        type,
        { id: { $in: ids } },
        { skip: 0, limit: ids.length, fields: ['displayName', 'userName'] },
      );
      for (const doc of found.resources) {
        const display = doc.displayName ?? doc.userName;
        if (typeof display === 'string') names.set(doc.id, display);
      }
    }
    return names;
  }
}

function withDisplay<T extends { value: string; display?: string }>(ref: T, names: Map<string, string>): T {
  const display = names.get(ref.value);
  if (display !== undefined) ref.display = display;
  return ref;
}

/** The enterprise manager's id of a stored user, when it has one. */
function managerIdOf(doc: ResourceDocument): string | undefined {
  const enterprise = doc[extensionStorageKey(ENTERPRISE_USER_SCHEMA)];
  if (!isPlainObject(enterprise) || !isPlainObject(enterprise.manager)) return undefined;
  const managerId = enterprise.manager.value;
  return typeof managerId === 'string' && managerId !== '' ? managerId : undefined;
}

/**
 * The document with manager.displayName (RFC 7643 §4.3) set from the looked-up names, as a copy that replaces
 * the extension object (the stored one may be frozen); the document itself when the manager has no name.
 */
function withManagerDisplayName(doc: ResourceDocument, names: Map<string, string>): ResourceDocument {
  const key = extensionStorageKey(ENTERPRISE_USER_SCHEMA);
  const enterprise = doc[key];
  if (!isPlainObject(enterprise) || !isPlainObject(enterprise.manager)) return doc;
  const managerId = enterprise.manager.value;
  const displayName = typeof managerId === 'string' ? names.get(managerId) : undefined;
  if (displayName === undefined) return doc;
  return { ...doc, [key]: { ...enterprise, manager: { ...enterprise.manager, displayName } } };
}
