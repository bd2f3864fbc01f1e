import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ScimError } from '../scim/errors';
import {
  compileFilter,
  compileSort,
  MembershipPredicate,
  resolveMembership,
} from '../scim/filter/filter.compiler';
import { parseFilter } from '../scim/filter/filter.parser';
import { buildPage } from '../scim/paging/page.builder';
import { buildQueryFingerprint, CursorCodec } from '../scim/paging/cursor.codec';
import { parsePaging } from '../scim/paging/paging.params';
import { applyPatch } from '../scim/patch/patch.engine';
import {
  GroupRef,
  MemberRef,
  parseAttributeList,
  toScimResource,
  wantsAttribute,
} from '../scim/projection/projection';
import { MemberInput, StorageAttributes, validateResource } from '../scim/schema/resource.validator';
import { extensionStorageKey, SchemaRegistry } from '../scim/schema/schema.registry';
import { isPlainObject } from '../scim/schema/coerce';
import { ENTERPRISE_USER_SCHEMA } from '../scim/schema/schema-urns';
import {
  changedAttributeNames,
  journalEntry,
  membersDiffer,
  patchOperation,
} from '../journal/journal-entry.builder';
import {
  JournalActor,
  CommitResult,
  JournalEntryInput,
  JournalOperation,
  MembershipRepository,
  QueryDocument,
  ResourceRepository,
  SortSpec,
  WriteUnit,
} from '../store/ports';
import {
  computeShadows,
  newResourceDocument,
  ResourceDocument,
  versionTag,
} from '../scim/document/resource-document';
import { missingMembersError } from '../store/missing-members.error';
import { hashPassword } from './password.hasher';
import { assertIfMatch } from './preconditions';
import { TenantSettingsService } from '../tenants/tenant-settings.service';
import { ScimSettings } from './scim-settings';
import { JournalNotifier } from '../streaming/journal-notifier';

/** Who asks, and where the SCIM base of this request is (for meta.location and $ref). */
export interface ScimRequestContext {
  tenantId: string;
  /** Absolute SCIM base URL, e.g. https://host/scim/v2 (no trailing slash). */
  baseUrl: string;
  /** The credential the request authenticated with: the actor of its change-journal entries. */
  actor: JournalActor;
  /** The request's X-Request-Id (src/http/request-id.ts), recorded in its change-journal entries. */
  requestId?: string;
}

/** RFC 7644 §3.9 parameters as the client sent them (comma-separated). */
export interface AttributeSelectionInput {
  attributes?: string;
  excludedAttributes?: string;
}

export interface ListQuery extends AttributeSelectionInput {
  filter?: string;
  sortBy?: string;
  sortOrder?: string;
  startIndex?: unknown;
  count?: unknown;
  cursor?: unknown;
}

export interface ListPage {
  resources: Record<string, unknown>[];
  totalResults: number;
  startIndex?: number;
  itemsPerPage: number;
  nextCursor?: string;
  previousCursor?: string;
}

/** A resource as the HTTP layer needs it: the wire body and its version (ETag). */
export interface ResourceView {
  body: Record<string, unknown>;
  version: string;
  location: string;
}

/** How often a write re-reads and retries when another writer changed the resource in between (no If-Match). */
const MAX_WRITE_ATTEMPTS = 5;

const ENDPOINT: Record<string, string> = { User: 'Users', Group: 'Groups' };

const MANAGER_DISPLAY_NAME = `${ENTERPRISE_USER_SCHEMA}:manager.displayName`;

/**
 * Users and Groups, one implementation (RFC 7644 §3.3–§3.6): validation, PATCH and projection come from the
 * engine in src/scim, persistence from the repository ports. Knows nothing about HTTP.
 */
@Injectable()
export class ResourceService {
  constructor(
    private readonly registry: SchemaRegistry,
    private readonly resources: ResourceRepository,
    private readonly memberships: MembershipRepository,
    private readonly settings: ScimSettings,
    private readonly cursors: CursorCodec,
    private readonly tenantSettings: TenantSettingsService,
    private readonly notifier: JournalNotifier,
  ) {}

  /**
   * Commits a unit, then wakes this replica's change-stream deliverers (issue "Streaming"): an event leaves
   * within milliseconds of its commit instead of at the next poll.
   */
  private async commit(tenantId: string, unit: WriteUnit): Promise<CommitResult> {
    const result = await this.resources.commit(tenantId, unit);
    const seqs = result.journalSeqs;
    if (seqs.length > 0) this.notifier.committed(tenantId, seqs[seqs.length - 1], seqs.length);
    return result;
  }

  async create(
    ctx: ScimRequestContext,
    resourceType: string,
    body: unknown,
    selection: AttributeSelectionInput = {},
  ): Promise<ResourceView> {
    const validated = validateResource(this.registry, resourceType, body, {
      mode: 'create',
      strictExtensions: await this.strictExtensions(ctx.tenantId),
      coerce: { maxStringLength: this.settings.attributeMaxLength },
    });
    const id = randomUUID();
    const members = resourceType === 'Group' ? (validated.members ?? []) : [];
    const typedMembers = await this.checkMembers(ctx.tenantId, id, members);
    const doc = newResourceDocument(ctx.tenantId, resourceType, id, validated.attributes, validated.schemas);
    if (validated.password !== undefined) doc._secret = { password: await hashPassword(validated.password) };
    // One 'create' entry, members included (changedAttributes lists 'members'), not a separate 'membership'.
    const changed = changedAttributeNames(this.registry, resourceType, {}, doc, doc.schemas);
    if (validated.password !== undefined) changed.push('password');
    if (typedMembers.length > 0) changed.push('members');
    await this.commit(ctx.tenantId, {
      insert: doc,
      memberships: typedMembers.length > 0 ? { groupId: id, add: typedMembers } : undefined,
      journal: [this.journalEntry(ctx, 'create', doc, changed)],
    });
    return this.view(ctx, doc, selection);
  }

  async get(
    ctx: ScimRequestContext,
    resourceType: string,
    id: string,
    selection: AttributeSelectionInput = {},
  ): Promise<ResourceView> {
    return this.view(ctx, await this.load(ctx.tenantId, resourceType, id), selection);
  }

  /** The current version only, for a cheap If-None-Match check before projecting. */
  async version(ctx: ScimRequestContext, resourceType: string, id: string): Promise<string> {
    return (await this.load(ctx.tenantId, resourceType, id)).meta.version;
  }

  /** RFC 7644 §3.5.1: PUT replaces every attribute the client may write. */
  async replace(
    ctx: ScimRequestContext,
    resourceType: string,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    selection: AttributeSelectionInput = {},
  ): Promise<ResourceView> {
    for (let attempt = 1; ; attempt++) {
      const existing = await this.load(ctx.tenantId, resourceType, id);
      assertIfMatch(ifMatch, existing.meta.version);
      const validated = validateResource(this.registry, resourceType, body, {
        mode: 'replace',
        existing: { ...attributesOf(existing), schemas: existing.schemas },
        strictExtensions: await this.strictExtensions(ctx.tenantId),
        coerce: { maxStringLength: this.settings.attributeMaxLength },
      });
      const members =
        resourceType === 'Group'
          ? await this.checkMembers(ctx.tenantId, id, validated.members ?? [])
          : undefined;
      const next = this.nextRevision(existing, validated.attributes, validated.schemas);
      if (validated.password !== undefined)
        next._secret = { password: await hashPassword(validated.password) };
      else if (existing._secret) next._secret = existing._secret;
      const changed = changedAttributeNames(this.registry, resourceType, existing, next, next.schemas);
      if (validated.password !== undefined) changed.push('password');
      if (members && (await this.membersChange(ctx.tenantId, id, members))) changed.push('members');
      const { applied } = await this.commit(ctx.tenantId, {
        replace: { doc: next, expectedRev: existing._rev },
        memberships: members && { groupId: id, removeAll: true, add: members },
        journal: [this.journalEntry(ctx, 'replace', next, changed)],
      });
      if (applied) return this.view(ctx, next, selection);
      this.assertRetry(attempt, ifMatch);
    }
  }

  /**
   * RFC 7644 §3.5.2: all operations apply or none. Returns undefined when nothing changed and the caller asked
   * for no body; the view otherwise.
   */
  async patch(
    ctx: ScimRequestContext,
    resourceType: string,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    selection: AttributeSelectionInput | 'none' = {},
  ): Promise<ResourceView> {
    for (let attempt = 1; ; attempt++) {
      const existing = await this.load(ctx.tenantId, resourceType, id);
      assertIfMatch(ifMatch, existing.meta.version);
      const result = applyPatch(this.registry, resourceType, attributesOf(existing), body, {
        maxOperations: this.settings.patchMaxOperations,
        maxValuesPerOperation: this.settings.patchMaxValuesPerOperation,
        maxStringLength: this.settings.attributeMaxLength,
        strictExtensions: await this.strictExtensions(ctx.tenantId),
      });
      if (result.changed.length === 0) return this.view(ctx, existing, selection);
      const delta = result.members && {
        ...result.members,
        add: await this.checkMembers(ctx.tenantId, id, result.members.add),
      };
      // Adding present members and removing absent ones changes nothing: the version and lastModified must not
      // move (RFC 7644 §3.5.2.1), or every idempotent retry of Entra's would look like a change.
      if (
        delta &&
        result.changed.every((c) => c === 'members') &&
        !(await this.changesMembers(ctx.tenantId, id, delta))
      ) {
        return this.view(ctx, existing, selection);
      }
      const { id: _id, meta: _meta, schemas, ...attributes } = result.resource;
      const next = this.nextRevision(existing, attributes, mergeSchemas(existing.schemas, schemas));
      if (result.password !== undefined) next._secret = { password: await hashPassword(result.password) };
      else if (existing._secret) next._secret = existing._secret;
      const operation = patchOperation(result.changed, existing, next);
      const { applied } = await this.commit(ctx.tenantId, {
        replace: { doc: next, expectedRev: existing._rev },
        memberships: delta && {
          groupId: id,
          removeAll: delta.removeAll,
          remove: delta.remove,
          add: delta.add,
        },
        journal: [this.journalEntry(ctx, operation, next, result.changed)],
      });
      if (applied) return this.view(ctx, next, selection);
      this.assertRetry(attempt, ifMatch);
    }
  }

  async delete(
    ctx: ScimRequestContext,
    resourceType: string,
    id: string,
    ifMatch: string | undefined,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const existing = await this.load(ctx.tenantId, resourceType, id);
      assertIfMatch(ifMatch, existing.meta.version);
      // Compare-and-swap, so that the entry's version is the last one the resource really had.
      const { applied } = await this.commit(ctx.tenantId, {
        delete: { resourceType, id, expectedRev: existing._rev },
        journal: [this.journalEntry(ctx, 'delete', existing, [], new Date().toISOString())],
      });
      if (applied) return;
      this.assertRetry(attempt, ifMatch);
    }
  }

  /** RFC 7644 §3.4.2: filter, sort, index or cursor paging, attribute selection. */
  async list(ctx: ScimRequestContext, resourceType: string, query: ListQuery): Promise<ListPage> {
    return this.search(ctx, [resourceType], query);
  }

  /**
   * A query over one or several resource types (RFC 7644 §3.4.3 root-level search). Across types, results come
   * grouped by type in the order given, each group sorted as asked; an attribute that one type lacks makes the
   * filter match nothing of that type instead of failing (RFC 7644 §3.4.2.2).
   */
  async search(ctx: ScimRequestContext, resourceTypes: string[], query: ListQuery): Promise<ListPage> {
    const paging = parsePaging(
      { startIndex: query.startIndex, count: query.count, cursor: query.cursor },
      { defaultPageSize: this.settings.defaultPageSize, maxPageSize: this.settings.maxPageSize },
    );
    const acrossTypes = resourceTypes.length > 1;
    const plans = await Promise.all(
      resourceTypes.map(async (resourceType) => ({
        resourceType,
        query: await this.compileQuery(ctx.tenantId, resourceType, query.filter, acrossTypes),
        sort: this.compileSortSpec(resourceType, query.sortBy, query.sortOrder, acrossTypes),
      })),
    );
    const scope = {
      tenantId: ctx.tenantId,
      resourceTypes,
      queryFingerprint: buildQueryFingerprint({
        filter: query.filter,
        sortBy: query.sortBy,
        sortOrder: query.sortOrder,
      }),
    };
    let offset: number;
    if (paging.mode === 'index') {
      offset = paging.startIndex - 1;
    } else if (paging.cursor === '') {
      offset = 0;
    } else {
      const state = this.cursors.decode(paging.cursor, { ...scope, count: paging.count });
      offset = state.position.kind === 'offset' ? state.position.offset : 0;
    }

    let totalResults = 0;
    let skip = offset;
    let remaining = paging.count;
    const docs: ResourceDocument[] = [];
    for (const plan of plans) {
      const found = await this.resources.find(ctx.tenantId, plan.resourceType, plan.query, {
        skip,
        limit: remaining,
        sort: plan.sort,
      });
      totalResults += found.totalResults;
      docs.push(...found.resources);
      remaining -= found.resources.length;
      skip = Math.max(0, skip - found.totalResults);
    }
    const resources = (await this.views(ctx, docs, query)).map((view) => view.body);
    const page: ListPage = { resources, totalResults, itemsPerPage: resources.length };
    if (paging.mode === 'index') {
      page.startIndex = paging.startIndex;
    } else {
      Object.assign(page, buildPage(this.cursors, scope, { offset, count: paging.count, totalResults }));
    }
    return page;
  }

  private async compileQuery(
    tenantId: string,
    resourceType: string,
    filter: string | undefined,
    lenientAttributes = false,
  ): Promise<QueryDocument> {
    if (filter === undefined || filter.trim() === '') return {};
    const ast = parseFilter(filter, {
      maxLength: this.settings.filterMaxLength,
      maxDepth: this.settings.filterMaxDepth,
      // Entra's legacy reference checks send unquoted ids (entra.md §4.3, §4.17).
      bareValues: true,
    });
    const compiled = compileFilter(this.registry, resourceType, ast, {
      unknownAttributes: lenientAttributes ? 'noMatch' : 'reject',
      strictExtensions: await this.strictExtensions(tenantId),
    });
    return resolveMembership(compiled, (predicate) => this.resolveMembershipPredicate(tenantId, predicate));
  }

  private async resolveMembershipPredicate(
    tenantId: string,
    predicate: MembershipPredicate,
  ): Promise<string[]> {
    // `members pr` / `groups pr`: one question to the membership store, not one per group or user.
    if (predicate.kind === 'groupsHavingMember') {
      if (predicate.any) return this.memberships.groupIdsWithAnyMember(tenantId);
      return unique((await this.memberships.groupsWithMember(tenantId, predicate.ids)).map((m) => m.groupId));
    }
    // Group ids among the members are harmless: the ids only select Users (`groups` is a User attribute).
    // `groups pr`: an indirect membership implies a direct one, so direct members are all of them.
    if (predicate.any) return this.memberships.memberIdsInAnyGroup(tenantId);
    // RFC 7643 §4.1.2: `groups` holds direct and indirect (nested) memberships, and view() shows both, so
    // `groups eq "g"` matches members of g's nested groups too: walk down one level per round, each group once.
    const memberIds = new Set<string>();
    const seenGroups = new Set(predicate.ids);
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

  private compileSortSpec(
    resourceType: string,
    sortBy: string | undefined,
    sortOrder: string | undefined,
    lenientAttributes = false,
  ): SortSpec | undefined {
    let sort: { field: string; caseInsensitive?: boolean } | undefined;
    try {
      sort = compileSort(this.registry, resourceType, sortBy);
    } catch (error) {
      // Across types, a sortBy that one type lacks leaves that type in its default order.
      if (!lenientAttributes) throw error;
    }
    if (sortOrder !== undefined && !/^(ascending|descending)$/i.test(sortOrder)) {
      throw ScimError.invalidValue(`sortOrder must be "ascending" or "descending", not "${sortOrder}"`);
    }
    if (!sort) return undefined;
    // RFC 7644 §3.4.2.3: sortOrder defaults to ascending.
    return {
      field: sort.field,
      direction: /^descending$/i.test(sortOrder ?? '') ? (-1 as const) : (1 as const),
      // RFC 7644 §3.4.2.3: a caseExact=false string without a `_ci` shadow sorts without regard to case.
      ...(sort.caseInsensitive ? { caseInsensitive: true } : {}),
    };
  }

  /** Per-tenant setting, falling back to STRICT_EXTENSIONS (issue "Many tenants, one server"). */
  private async strictExtensions(tenantId: string): Promise<boolean> {
    return (await this.tenantSettings.get(tenantId)).strictExtensions;
  }

  private async load(tenantId: string, resourceType: string, id: string): Promise<ResourceDocument> {
    const doc = await this.resources.findById(tenantId, resourceType, id);
    if (!doc) throw notFound(resourceType, id);
    return doc;
  }

  private nextRevision(
    existing: ResourceDocument,
    attributes: StorageAttributes,
    schemas: string[],
  ): ResourceDocument {
    const rev = existing._rev + 1;
    return {
      ...attributes,
      _tenant: existing._tenant,
      _type: existing._type,
      _rev: rev,
      _ci: computeShadows(attributes),
      id: existing.id,
      schemas,
      meta: {
        resourceType: existing.meta.resourceType,
        created: existing.meta.created,
        lastModified: new Date().toISOString(),
        version: versionTag(existing.id, rev),
      },
    };
  }

  /** A concurrent writer won the compare-and-swap: with If-Match that is a 412, without it we re-apply. */
  private assertRetry(attempt: number, ifMatch: string | undefined): void {
    if (ifMatch !== undefined && ifMatch.trim() !== '') {
      throw ScimError.preconditionFailed(
        'The resource was changed by another request; re-read it and try again',
      );
    }
    if (attempt >= MAX_WRITE_ATTEMPTS) {
      throw ScimError.conflict('The resource is being changed by other requests; try again');
    }
  }

  /**
   * Members must be resources of this tenant (a foreign or unknown id is refused exactly like an unknown one),
   * and a group cannot contain itself. Returns the members with their resource type. An early answer only:
   * a member deleted between here and the commit is refused by the commit itself (ResourceRepository.commit).
   */
  private async checkMembers(
    tenantId: string,
    groupId: string,
    members: MemberInput[],
  ): Promise<{ memberId: string; memberType: string }[]> {
    if (members.length === 0) return [];
    const ids = unique(members.map((m) => m.value));
    if (ids.includes(groupId)) throw ScimError.invalidValue('A group cannot be a member of itself');
    const [users, groups] = await Promise.all([
      this.resources.existingIds(tenantId, 'User', ids),
      this.resources.existingIds(tenantId, 'Group', ids),
    ]);
    const missing = ids.filter((id) => !users.has(id) && !groups.has(id));
    if (missing.length > 0) throw missingMembersError(missing);
    return ids.map((id) => ({ memberId: id, memberType: users.has(id) ? 'User' : 'Group' }));
  }

  /** Whether applying `delta` would change the group's membership (conservative: true when unsure). */
  private async changesMembers(
    tenantId: string,
    groupId: string,
    delta: { removeAll: boolean; remove: string[]; add: { memberId: string }[] },
  ): Promise<boolean> {
    if (delta.removeAll) return true;
    const ids = unique([...delta.remove, ...delta.add.map((m) => m.memberId)]);
    if (ids.length === 0) return false;
    // One question for all of them: Entra retries adds of thousands of members (entra.md), one round trip each
    // would make every retry slow on MongoDB.
    const present = await this.memberships.existingMembers(tenantId, groupId, ids);
    return (
      delta.remove.some((memberId) => present.has(memberId)) ||
      delta.add.some(({ memberId }) => !present.has(memberId))
    );
  }

  /** Whether a PUT's member list differs from the group's current members (for changedAttributes). */
  private async membersChange(
    tenantId: string,
    groupId: string,
    members: { memberId: string }[],
  ): Promise<boolean> {
    const current = await this.memberships.membersOf(tenantId, groupId);
    return membersDiffer(
      current.map((m) => m.memberId),
      members.map((m) => m.memberId),
    );
  }

  /** The change-journal entry of a write; its time is the resource's lastModified unless given. */
  private journalEntry(
    ctx: ScimRequestContext,
    operation: JournalOperation,
    doc: ResourceDocument,
    changedAttributes: string[],
    time: string = doc.meta.lastModified,
  ): JournalEntryInput {
    return journalEntry(
      ctx,
      operation,
      { resourceType: doc._type, id: doc.id, version: doc.meta.version },
      changedAttributes,
      time,
    );
  }

  /**
   * Storage → wire, loading members / groups only when the response will carry them. 'none': the caller sends
   * no body (PATCH answering 204), so nothing is loaded or projected.
   */
  private async view(
    ctx: ScimRequestContext,
    doc: ResourceDocument,
    selection: AttributeSelectionInput | 'none',
  ): Promise<ResourceView> {
    return (await this.views(ctx, [doc], selection))[0];
  }

  /**
   * view() for a whole page (RFC 7644 §3.4.2): memberships, group and member display names and manager display
   * names are loaded for all resources at once, so the number of store calls depends on the depth of group
   * nesting, not on the page size.
   */
  private async views(
    ctx: ScimRequestContext,
    docs: ResourceDocument[],
    selection: AttributeSelectionInput | 'none',
  ): Promise<ResourceView[]> {
    const locationOf = (doc: ResourceDocument) =>
      `${ctx.baseUrl}/${ENDPOINT[doc._type] ?? doc._type}/${doc.id}`;
    if (selection === 'none') {
      return docs.map((doc) => ({ body: {}, version: doc.meta.version, location: locationOf(doc) }));
    }
    const selections = new Map<string, ViewSelection>();
    for (const resourceType of unique(docs.map((doc) => doc._type))) {
      selections.set(resourceType, this.viewSelection(resourceType, selection));
    }
    const wanting = (resourceType: string, what: 'members' | 'groups' | 'managerDisplayName') =>
      docs.filter((doc) => doc._type === resourceType && selections.get(resourceType)![what]);
    const groupIds = wanting('Group', 'members').map((doc) => doc.id);
    const userIds = wanting('User', 'groups').map((doc) => doc.id);
    const [members, groups, managerNames] = await Promise.all([
      this.loadMembers(ctx.tenantId, groupIds),
      this.loadGroups(ctx.tenantId, userIds),
      this.managerDisplayNames(ctx.tenantId, wanting('User', 'managerDisplayName')),
    ]);
    return docs.map((doc) => {
      const wanted = selections.get(doc._type)!;
      const location = locationOf(doc);
      const stored = attributesOf(doc, true);
      if (wanted.managerDisplayName) addManagerDisplayName(stored, managerNames);
      const body = toScimResource(this.registry, doc._type, stored, {
        location,
        baseUrl: ctx.baseUrl,
        attributes: wanted.attributes,
        excludedAttributes: wanted.excludedAttributes,
        members: wanted.members ? (members.get(doc.id) ?? []) : undefined,
        groups: wanted.groups ? (groups.get(doc.id) ?? []) : undefined,
      });
      return { body, version: doc.meta.version, location };
    });
  }

  /** RFC 7644 §3.9 attributes / excludedAttributes of one resource type, and which lookups they call for. */
  private viewSelection(resourceType: string, selection: AttributeSelectionInput): ViewSelection {
    const attributes = parseAttributeList(this.registry, resourceType, selection.attributes);
    const excludedAttributes = parseAttributeList(this.registry, resourceType, selection.excludedAttributes);
    const query = { attributes, excludedAttributes };
    const wants = (path: string) => wantsAttribute(this.registry, resourceType, path, query);
    return {
      attributes,
      excludedAttributes,
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
        records[i].map((r) => {
          const member: MemberRef = { value: r.memberId, type: r.memberType };
          const display = displayNames.get(r.memberId);
          if (display !== undefined) member.display = display;
          return member;
        }),
      );
    });
    return byGroup;
  }

  /**
   * RFC 7643 §4.1.2: direct memberships, then groups reached through nested groups as "indirect". User id → its
   * groups. A breadth-first walk per user, advanced one level for all users at once: one groupsWithMember call
   * per level of nesting (each group's parents asked once), then one display-name find.
   */
  private async loadGroups(tenantId: string, userIds: string[]): Promise<Map<string, GroupRef[]>> {
    const byUser = new Map<string, GroupRef[]>();
    if (userIds.length === 0) return byUser;
    /** Member id (a user, or a group of a frontier) → the groups it is a direct member of. */
    const parentsOf = new Map<string, string[]>();
    const walks = unique(userIds).map((userId) => ({
      userId,
      seen: new Map<string, 'direct' | 'indirect'>(),
      frontier: [userId],
    }));
    let kind: 'direct' | 'indirect' = 'direct';
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
    const names = await this.displayNames(
      tenantId,
      unique(walks.flatMap((w) => [...w.seen.keys()])).map((id) => ({ id, type: 'Group' })),
    );
    for (const walk of walks) {
      byUser.set(
        walk.userId,
        [...walk.seen.entries()].map(([value, type]) => {
          const ref: GroupRef = { value, type };
          const display = names.get(value);
          if (display !== undefined) ref.display = display;
          return ref;
        }),
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

/** What view() projects for one resource type, and which lookups that needs. */
interface ViewSelection {
  attributes: string[];
  excludedAttributes: string[];
  members: boolean;
  groups: boolean;
  managerDisplayName: boolean;
}

/** The enterprise manager's id of a stored user, when it has one. */
function managerIdOf(doc: ResourceDocument): string | undefined {
  const enterprise = doc[extensionStorageKey(ENTERPRISE_USER_SCHEMA)];
  if (!isPlainObject(enterprise) || !isPlainObject(enterprise.manager)) return undefined;
  const managerId = enterprise.manager.value;
  return typeof managerId === 'string' && managerId !== '' ? managerId : undefined;
}

/** Sets manager.displayName (RFC 7643 §4.3) from the looked-up names; left out when the manager has none. */
function addManagerDisplayName(attributes: StorageAttributes, names: Map<string, string>): void {
  const key = extensionStorageKey(ENTERPRISE_USER_SCHEMA);
  const enterprise = attributes[key];
  if (!isPlainObject(enterprise) || !isPlainObject(enterprise.manager)) return;
  const managerId = enterprise.manager.value;
  const displayName = typeof managerId === 'string' ? names.get(managerId) : undefined;
  if (displayName === undefined) return;
  attributes[key] = { ...enterprise, manager: { ...enterprise.manager, displayName } };
}

/** The SCIM attributes of a stored document: internal `_` fields dropped (and meta/id kept only for output). */
function attributesOf(doc: ResourceDocument, withCommon = false): StorageAttributes {
  const attributes: StorageAttributes = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key.startsWith('_')) continue;
    if (!withCommon && (key === 'meta' || key === 'schemas')) continue;
    attributes[key] = value;
  }
  if (withCommon) (attributes.meta as Record<string, unknown>) = { ...doc.meta };
  return attributes;
}

function mergeSchemas(existing: string[], patched: unknown): string[] {
  return Array.isArray(patched) ? (patched as string[]) : existing;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function notFound(resourceType: string, id: string): ScimError {
  return ScimError.notFound(`${resourceType} ${JSON.stringify(id)} not found`);
}
