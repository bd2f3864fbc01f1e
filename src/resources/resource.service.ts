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
  JournalEntryInput,
  JournalOperation,
  MembershipRepository,
  QueryDocument,
  ResourceRepository,
  SortSpec,
} from '../store/ports';
import { computeShadows, ResourceDocument, versionTag } from '../store/resource-document';
import { hashPassword } from './password.hasher';
import { assertIfMatch } from './preconditions';
import { TenantSettingsService } from '../tenants/tenant-settings.service';
import { ScimSettings } from './scim-settings';

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
  ) {}

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
    const now = new Date().toISOString();
    const doc: ResourceDocument = {
      ...validated.attributes,
      _tenant: ctx.tenantId,
      _type: resourceType,
      _rev: 1,
      _ci: computeShadows(validated.attributes),
      id,
      schemas: validated.schemas,
      meta: { resourceType, created: now, lastModified: now, version: versionTag(id, 1) },
    };
    if (validated.password !== undefined) doc._secret = { password: await hashPassword(validated.password) };
    // One 'create' entry, members included (changedAttributes lists 'members'), not a separate 'membership'.
    const changed = changedAttributeNames(this.registry, resourceType, {}, doc, doc.schemas);
    if (validated.password !== undefined) changed.push('password');
    if (typedMembers.length > 0) changed.push('members');
    await this.resources.commit(ctx.tenantId, {
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
      const { applied } = await this.resources.commit(ctx.tenantId, {
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
      const { applied } = await this.resources.commit(ctx.tenantId, {
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
      const { applied } = await this.resources.commit(ctx.tenantId, {
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
    const resources = await Promise.all(docs.map(async (doc) => (await this.view(ctx, doc, query)).body));
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
    if (predicate.kind === 'groupsHavingMember') {
      if (predicate.any) {
        const groups = await this.resources.find(
          tenantId,
          'Group',
          {},
          { skip: 0, limit: Number.MAX_SAFE_INTEGER, fields: ['id'] },
        );
        const withMembers = await Promise.all(
          groups.resources.map(async (g) =>
            (await this.memberships.membersOf(tenantId, g.id)).length > 0 ? g.id : undefined,
          ),
        );
        return withMembers.filter((id): id is string => id !== undefined);
      }
      return unique((await this.memberships.groupsWithMember(tenantId, predicate.ids)).map((m) => m.groupId));
    }
    if (predicate.any) {
      const users = await this.resources.find(
        tenantId,
        'User',
        {},
        { skip: 0, limit: Number.MAX_SAFE_INTEGER, fields: ['id'] },
      );
      const memberIds = await this.memberships.groupsWithMember(
        tenantId,
        users.resources.map((u) => u.id),
      );
      return unique(memberIds.map((m) => m.memberId));
    }
    const members = await Promise.all(
      predicate.ids.map((groupId) => this.memberships.membersOf(tenantId, groupId)),
    );
    return unique(members.flat().map((m) => m.memberId));
  }

  private compileSortSpec(
    resourceType: string,
    sortBy: string | undefined,
    sortOrder: string | undefined,
    lenientAttributes = false,
  ): SortSpec | undefined {
    let sort: { field: string } | undefined;
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
   * and a group cannot contain itself. Returns the members with their resource type.
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
    if (missing.length > 0) {
      const shown = missing
        .slice(0, 5)
        .map((id) => `"${id}"`)
        .join(', ');
      throw ScimError.invalidValue(
        `members: no User or Group with id ${shown}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`,
      );
    }
    return ids.map((id) => ({ memberId: id, memberType: users.has(id) ? 'User' : 'Group' }));
  }

  /** Whether applying `delta` would change the group's membership (conservative: true when unsure). */
  private async changesMembers(
    tenantId: string,
    groupId: string,
    delta: { removeAll: boolean; remove: string[]; add: { memberId: string }[] },
  ): Promise<boolean> {
    if (delta.removeAll) return true;
    for (const memberId of delta.remove) {
      if (await this.memberships.isMember(tenantId, groupId, memberId)) return true;
    }
    for (const { memberId } of delta.add) {
      if (!(await this.memberships.isMember(tenantId, groupId, memberId))) return true;
    }
    return false;
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
    const resourceType = doc._type;
    const location = `${ctx.baseUrl}/${ENDPOINT[resourceType] ?? resourceType}/${doc.id}`;
    if (selection === 'none') return { body: {}, version: doc.meta.version, location };
    const attributes = parseAttributeList(this.registry, resourceType, selection.attributes);
    const excludedAttributes = parseAttributeList(this.registry, resourceType, selection.excludedAttributes);
    const query = { attributes, excludedAttributes };
    let members: MemberRef[] | undefined;
    let groups: GroupRef[] | undefined;
    if (resourceType === 'Group' && wantsAttribute(this.registry, resourceType, 'members', query)) {
      members = await this.loadMembers(ctx.tenantId, doc.id);
    }
    if (resourceType === 'User' && wantsAttribute(this.registry, resourceType, 'groups', query)) {
      groups = await this.loadGroups(ctx.tenantId, doc.id);
    }
    const stored = attributesOf(doc, true);
    if (resourceType === 'User' && wantsAttribute(this.registry, resourceType, MANAGER_DISPLAY_NAME, query)) {
      await this.addManagerDisplayName(ctx.tenantId, stored);
    }
    const body = toScimResource(this.registry, resourceType, stored, {
      location,
      baseUrl: ctx.baseUrl,
      attributes,
      excludedAttributes,
      members,
      groups,
    });
    return { body, version: doc.meta.version, location };
  }

  /**
   * RFC 7643 §4.3: manager.displayName is the manager's displayName, readOnly: looked up on the way out, never
   * stored, so a renamed manager shows up renamed.
   */
  private async addManagerDisplayName(tenantId: string, attributes: StorageAttributes): Promise<void> {
    const key = extensionStorageKey(ENTERPRISE_USER_SCHEMA);
    const enterprise = attributes[key];
    if (!isPlainObject(enterprise) || !isPlainObject(enterprise.manager)) return;
    const managerId = enterprise.manager.value;
    if (typeof managerId !== 'string' || managerId === '') return;
    const manager = await this.resources.findById(tenantId, 'User', managerId);
    if (typeof manager?.displayName !== 'string') return;
    attributes[key] = { ...enterprise, manager: { ...enterprise.manager, displayName: manager.displayName } };
  }

  private async loadMembers(tenantId: string, groupId: string): Promise<MemberRef[]> {
    const records = await this.memberships.membersOf(tenantId, groupId);
    const displayNames = await this.displayNames(
      tenantId,
      records.map((r) => ({ id: r.memberId, type: r.memberType })),
    );
    return records.map((r) => {
      const member: MemberRef = { value: r.memberId, type: r.memberType };
      const display = displayNames.get(r.memberId);
      if (display !== undefined) member.display = display;
      return member;
    });
  }

  /** RFC 7643 §4.1.2: direct memberships, then groups reached through nested groups as "indirect". */
  private async loadGroups(tenantId: string, userId: string): Promise<GroupRef[]> {
    const seen = new Map<string, 'direct' | 'indirect'>();
    let frontier = [userId];
    let kind: 'direct' | 'indirect' = 'direct';
    while (frontier.length > 0) {
      const parents = await this.memberships.groupsWithMember(tenantId, frontier);
      frontier = [];
      for (const { groupId } of parents) {
        if (seen.has(groupId)) continue;
        seen.set(groupId, kind);
        frontier.push(groupId);
      }
      kind = 'indirect';
    }
    const names = await this.displayNames(
      tenantId,
      [...seen.keys()].map((id) => ({ id, type: 'Group' })),
    );
    return [...seen.entries()].map(([value, type]) => {
      const ref: GroupRef = { value, type };
      const display = names.get(value);
      if (display !== undefined) ref.display = display;
      return ref;
    });
  }

  private async displayNames(
    tenantId: string,
    refs: { id: string; type: string }[],
  ): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const type of ['User', 'Group']) {
      const ids = refs.filter((r) => r.type === type).map((r) => r.id);
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
