import { JournalNotifier } from '../streaming/journal-notifier';
/** Shared wiring of the resource specs: real engine, typed mocks of the store ports (jest-mock-extended). */
import { mock, MockProxy } from 'jest-mock-extended';
import { CursorCodec } from '../scim/paging/cursor.codec';
import { DocumentModel } from '../scim/document/document-model';
import { newResourceDocument, ResourceDocument } from '../scim/document/resource-document';
import { createRegistry } from '../scim/schema/core-schemas';
import { GROUP_SCHEMA, USER_SCHEMA } from '../scim/schema/schema-urns';
import { MembershipRepository, ResourceRepository } from '../store/ports';
import { TenantSettingsService } from '../tenants/tenant-settings.service';
import { GroupMembershipReader } from './group-membership.reader';
import { MembershipPlanner } from './membership.planner';
import { ResourcePresenter } from './resource.presenter';
import { ResourceQueryService } from './resource-query.service';
import { ResourceWriter } from './resource-writer.service';
import { ScimRequestContext } from './resource.types';
import { ScimSettings } from './scim-settings';

export const TENANT = 'contoso';
export const BASE_URL = 'https://scim.example.com/scim/v2';

export const ctx: ScimRequestContext = {
  tenantId: TENANT,
  baseUrl: BASE_URL,
  actor: { credentialId: 'cred-1', label: 'Entra provisioning' },
  requestId: 'req-1',
};

export const settings = {
  defaultPageSize: 100,
  maxPageSize: 1000,
  maxListResponseBytes: 4_194_304,
  cursorTimeoutSeconds: 600,
  bulkMaxOperations: 1000,
  bulkMaxPayloadSize: 1_048_576,
  patchMaxOperations: 1000,
  patchMaxValuesPerOperation: 10_000,
  maxValuesPerAttribute: 2000,
  filterMaxLength: 4096,
  filterMaxDepth: 20,
  strictExtensions: false,
  attributeMaxLength: 10_000,
} as ScimSettings;

export function storedUser(id: string, attributes: Record<string, unknown> = {}, rev = 1): ResourceDocument {
  const doc = newResourceDocument(TENANT, 'User', id, { userName: id, ...attributes }, [USER_SCHEMA]);
  return rev === 1
    ? doc
    : { ...doc, _rev: rev, meta: { ...doc.meta, version: `W/"${rev}-${id.slice(0, 8)}"` } };
}

export function storedGroup(id: string, attributes: Record<string, unknown> = {}): ResourceDocument {
  return newResourceDocument(TENANT, 'Group', id, { displayName: id, ...attributes }, [GROUP_SCHEMA]);
}

export interface ResourceFixture {
  registry: ReturnType<typeof createRegistry>;
  resources: MockProxy<ResourceRepository>;
  memberships: MockProxy<MembershipRepository>;
  tenantSettings: MockProxy<TenantSettingsService>;
  presenter: ResourcePresenter;
  query: ResourceQueryService;
  writer: ResourceWriter;
}

/**
 * Everything real but the store: `docs` are what findById finds, and existingIds answers from them;
 * memberships answer nothing unless a test says otherwise.
 */
export function resourceFixture(docs: ResourceDocument[] = []): ResourceFixture {
  const registry = createRegistry();
  const resources = mock<ResourceRepository>();
  const memberships = mock<MembershipRepository>();
  const tenantSettings = mock<TenantSettingsService>();
  tenantSettings.get.mockResolvedValue({
    strictExtensions: false,
    rateLimit: { requestsPerSecond: 0, burst: 0 },
  });
  resources.findById.mockImplementation(
    async (_tenant, type, id) => docs.find((d) => d._type === type && d.id === id) ?? null,
  );
  resources.existingIds.mockImplementation(
    async (_tenant, type, ids) =>
      new Set(ids.filter((id) => docs.some((d) => d._type === type && d.id === id))),
  );
  resources.find.mockResolvedValue({ totalResults: 0, resources: [] });
  resources.commit.mockResolvedValue({ applied: true, journalSeqs: [1] });
  memberships.membersOf.mockResolvedValue([]);
  memberships.groupsWithMember.mockResolvedValue([]);
  memberships.existingMembers.mockResolvedValue(new Set());
  const groupWalk = new GroupMembershipReader(memberships);
  const presenter = new ResourcePresenter(registry, resources, memberships, groupWalk);
  const cursors = new CursorCodec(Buffer.alloc(32, 7), 600);
  const query = new ResourceQueryService(
    registry,
    resources,
    memberships,
    groupWalk,
    presenter,
    settings,
    cursors,
    tenantSettings,
  );
  const planner = new MembershipPlanner(resources, memberships);
  const notifier = new JournalNotifier();
  const writer = new ResourceWriter(
    registry,
    new DocumentModel(registry),
    resources,
    query,
    planner,
    presenter,
    settings,
    tenantSettings,
    notifier,
  );
  return { registry, resources, memberships, tenantSettings, presenter, query, writer };
}
