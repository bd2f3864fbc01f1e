import { Injectable } from '@nestjs/common';
import { ResourceDocument } from '../scim/document/resource-document';
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
import { SchemaRegistry } from '../scim/schema/schema.registry';
import { MembershipRepository, QueryDocument, ResourceRepository, SortSpec } from '../store/ports';
import { TenantSettingsService } from '../tenants/tenant-settings.service';
import { GroupMembershipReader } from './group-membership.reader';
import { ResourcePresenter } from './resource.presenter';
import {
  AttributeSelectionInput,
  ListPage,
  ListQuery,
  ResourceView,
  ScimRequestContext,
} from './resource.types';
import { ScimSettings } from './scim-settings';
import { notFound, unique } from './stored-document';

/**
 * The read side of Users and Groups (RFC 7644 §3.4): get by id, list and `.search` with filter, sort and
 * paging. Filters are compiled by the engine (src/scim/filter) into store queries; `members` / `groups`
 * conditions are resolved against the membership records first. Responses are built by ResourcePresenter.
 */
@Injectable()
export class ResourceQueryService {
  constructor(
    private readonly registry: SchemaRegistry,
    private readonly resources: ResourceRepository,
    private readonly memberships: MembershipRepository,
    private readonly groupWalk: GroupMembershipReader,
    private readonly presenter: ResourcePresenter,
    private readonly settings: ScimSettings,
    private readonly cursors: CursorCodec,
    private readonly tenantSettings: TenantSettingsService,
  ) {}

  async get(
    ctx: ScimRequestContext,
    resourceType: string,
    id: string,
    selection: AttributeSelectionInput = {},
  ): Promise<ResourceView> {
    return this.presenter.view(ctx, await this.load(ctx.tenantId, resourceType, id), selection);
  }

  /** The current version only, for a cheap If-None-Match check before projecting. */
  async version(ctx: ScimRequestContext, resourceType: string, id: string): Promise<string> {
    return (await this.load(ctx.tenantId, resourceType, id)).meta.version;
  }

  /** The stored document, or 404 (RFC 7644 §3.12). */
  async load(tenantId: string, resourceType: string, id: string): Promise<ResourceDocument> {
    const doc = await this.resources.findById(tenantId, resourceType, id);
    if (!doc) throw notFound(resourceType, id);
    return doc;
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
    const views = (await this.presenter.views(ctx, docs, query)).map((view) => view.body);
    const { resources, json } = fitToSize(views, this.settings.maxListResponseBytes);
    const page: ListPage = { resources, resourcesJson: json, totalResults, itemsPerPage: resources.length };
    if (paging.mode === 'index') {
      page.startIndex = paging.startIndex;
    } else {
      Object.assign(
        page,
        buildPage(this.cursors, scope, {
          offset,
          count: paging.count,
          totalResults,
          returned: resources.length,
        }),
      );
    }
    return page;
  }

  private async compileQuery(
    tenantId: string,
    resourceType: string,
    filter: string | undefined,
    lenientAttributes: boolean,
  ): Promise<QueryDocument> {
    if (filter === undefined || filter.trim() === '') return {};
    const ast = parseFilter(filter, {
      maxLength: this.settings.filterMaxLength,
      maxDepth: this.settings.filterMaxDepth,
      // Entra's legacy reference checks send unquoted ids (docs/entra.md §4.3, §4.17).
      bareValues: true,
    });
    const compiled = compileFilter(this.registry, resourceType, ast, {
      unknownAttributes: lenientAttributes ? 'noMatch' : 'reject',
      strictExtensions: (await this.tenantSettings.get(tenantId)).strictExtensions,
    });
    return resolveMembership(compiled, (predicate) => this.resolveMembershipPredicate(tenantId, predicate));
  }

  /** The ids a `members` / `groups` condition selects, from the membership records. */
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
    // RFC 7643 §4.1.2: `groups` holds direct and indirect (nested) memberships, and a user's view shows both,
    // so `groups eq "g"` matches members of g's nested groups too.
    return this.groupWalk.membersWithin(tenantId, predicate.ids);
  }

  private compileSortSpec(
    resourceType: string,
    sortBy: string | undefined,
    sortOrder: string | undefined,
    lenientAttributes: boolean,
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
}

/**
 * The leading resources whose serialised size stays within `maxBytes` (MAX_LIST_RESPONSE_BYTES), at least one so
 * that paging always moves on. The page then says fewer in `itemsPerPage` and the next startIndex or nextCursor
 * continues after the last resource returned (RFC 7644 §3.4.2.4: a client pages by `itemsPerPage`).
 */
export function fitToSize<T>(resources: T[], maxBytes: number): { resources: T[]; json: string } {
  // Nearly every page fits: one serialisation of the whole page (each resource plus one separator byte, as
  // below, bounds it) instead of one per resource. A UTF-8 byte is at most 3 UTF-16 units: no byteLength needed
  // either when even that bound fits. The serialisation is kept: the envelope sends it instead of serialising
  // the page a second time (issue 12).
  const whole = JSON.stringify(resources);
  if (whole.length * 3 <= maxBytes || Buffer.byteLength(whole) <= maxBytes) return { resources, json: whole };
  let bytes = 0;
  const parts: string[] = [];
  for (let i = 0; i < resources.length; i++) {
    const part = JSON.stringify(resources[i]);
    bytes += Buffer.byteLength(part) + 1;
    if (bytes > maxBytes && i > 0) return { resources: resources.slice(0, i), json: `[${parts.join(',')}]` };
    parts.push(part);
  }
  return { resources, json: whole };
}
