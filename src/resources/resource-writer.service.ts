import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DocumentModel } from '../scim/document/document-model';
import { ResourceDocument } from '../scim/document/resource-document';
import { changedAttributeNames } from '../scim/patch/attribute-diff';
import { applyPatch } from '../scim/patch/patch.engine';
import { validateResource } from '../scim/schema/resource.validator';
import { assertValueCounts } from '../scim/schema/value-count';
import { SchemaRegistry } from '../scim/schema/schema.registry';
import { journalEntry, JournalDetails, patchOperation } from '../journal/journal-entry.builder';
import { JournalEntryInput, JournalOperation, ResourceRepository } from '../store/ports';
import { TenantSettingsService } from '../tenants/tenant-settings.service';
import { MembershipPlanner, PlannedMembership } from './membership.planner';
import { writeOptimistically } from './optimistic-write';
import { JournalNotifier } from '../streaming/journal-notifier';
import { CommitResult } from '../store/ports';
import { hashPassword } from './password.hasher';
import { ResourcePresenter } from './resource.presenter';
import { ResourceQueryService } from './resource-query.service';
import {
  AttributeSelectionInput,
  ResourceView,
  ScimRequestContext,
  ViewSelectionInput,
} from './resource.types';
import { ScimSettings } from './scim-settings';
import { attributesOf, externalIdOf, locationOf } from './stored-document';

/**
 * Every write of a User or Group (RFC 7644 §3.3, §3.5, §3.6). Each command builds one WriteUnit (the document
 * change, the membership change, the journal entry) and commits it through writeOptimistically, so that a change
 * and its journal entry are written together or not at all (ResourceRepository.commit). Validation and PATCH
 * come from the engine in src/scim; the answer is built by ResourcePresenter. Knows nothing about HTTP.
 */
@Injectable()
export class ResourceWriter {
  constructor(
    private readonly registry: SchemaRegistry,
    private readonly model: DocumentModel,
    private readonly resources: ResourceRepository,
    private readonly query: ResourceQueryService,
    private readonly members: MembershipPlanner,
    private readonly presenter: ResourcePresenter,
    private readonly settings: ScimSettings,
    private readonly tenantSettings: TenantSettingsService,
    private readonly notifier: JournalNotifier,
  ) {}

  /** Wakes this replica's change-stream deliverers and SSE readers at once (issue "Streaming"). */
  private wakeAfter(tenantId: string): (result: CommitResult) => void {
    return ({ journalSeqs: seqs }) => {
      if (seqs.length > 0) this.notifier.committed(tenantId, seqs[seqs.length - 1], seqs.length);
    };
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
    assertValueCounts(resourceType, validated.attributes, this.settings.maxValuesPerAttribute);
    const { doc, snapshot } = await writeOptimistically(
      this.resources,
      ctx.tenantId,
      {
        load: async () => undefined,
        build: async () => {
          const id = randomUUID();
          const members =
            resourceType === 'Group'
              ? await this.members.forCreate(ctx.tenantId, id, validated.members ?? [])
              : undefined;
          const doc = this.model.newDocument(
            ctx.tenantId,
            resourceType,
            id,
            validated.attributes,
            validated.schemas,
          );
          await this.setPassword(doc, validated.password);
          // One 'create' entry, members included (changedAttributes lists 'members'), not a separate 'membership'.
          const changed = changedAttributeNames(this.registry, resourceType, {}, doc, {
            schemas: doc.schemas,
          });
          if (validated.password !== undefined) changed.push('password');
          if (members?.changes) changed.push('members');
          const entry = await this.entry(ctx, 'create', doc, changed, { members: members?.effect });
          const result = { doc, snapshot: entry.snapshot! };
          return { unit: { insert: doc, memberships: members?.change, journal: [entry] }, result };
        },
      },
      this.wakeAfter(ctx.tenantId),
    );
    // A new user is in no group yet, so its default view is exactly its snapshot: no second projection and no
    // groups lookup on the path Entra takes for every user it provisions.
    if (resourceType === 'User' && !selection.attributes && !selection.excludedAttributes) {
      return { body: snapshot, version: doc.meta.version, location: locationOf(ctx.baseUrl, doc) };
    }
    return this.presenter.view(ctx, doc, selection);
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
    const strictExtensions = await this.strictExtensions(ctx.tenantId);
    const next = await writeOptimistically(
      this.resources,
      ctx.tenantId,
      {
        ifMatch,
        load: () => this.query.load(ctx.tenantId, resourceType, id),
        build: async (existing) => {
          const validated = validateResource(this.registry, resourceType, body, {
            mode: 'replace',
            existing: { ...attributesOf(existing), schemas: existing.schemas },
            strictExtensions,
            coerce: { maxStringLength: this.settings.attributeMaxLength },
          });
          assertValueCounts(resourceType, validated.attributes, this.settings.maxValuesPerAttribute);
          const members =
            resourceType === 'Group'
              ? await this.members.forReplace(ctx.tenantId, id, validated.members ?? [])
              : undefined;
          const next = this.model.nextRevision(existing, validated.attributes, validated.schemas);
          await this.setPassword(next, validated.password, existing);
          const changed = changedAttributeNames(this.registry, resourceType, existing, next, {
            schemas: next.schemas,
          });
          if (validated.password !== undefined) changed.push('password');
          if (members?.changes) changed.push('members');
          const entry = await this.entry(ctx, 'replace', next, changed, { members: members?.effect });
          const unit = { replace: { doc: next, expectedRev: existing._rev }, memberships: members?.change };
          return { unit: { ...unit, journal: [entry] }, result: next };
        },
      },
      this.wakeAfter(ctx.tenantId),
    );
    return this.presenter.view(ctx, next, selection);
  }

  /**
   * RFC 7644 §3.5.2: all operations apply or none. A PATCH that changes nothing writes nothing and answers the
   * resource as it is. 'none': the caller sends no body (204), so nothing is projected.
   */
  async patch(
    ctx: ScimRequestContext,
    resourceType: string,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    selection: ViewSelectionInput = {},
  ): Promise<ResourceView> {
    const strictExtensions = await this.strictExtensions(ctx.tenantId);
    const doc = await writeOptimistically(
      this.resources,
      ctx.tenantId,
      {
        ifMatch,
        load: () => this.query.load(ctx.tenantId, resourceType, id),
        build: async (existing) => {
          const result = applyPatch(this.registry, resourceType, attributesOf(existing), body, {
            maxOperations: this.settings.patchMaxOperations,
            maxValuesPerOperation: this.settings.patchMaxValuesPerOperation,
            maxStringLength: this.settings.attributeMaxLength,
            strictExtensions,
          });
          if (result.changed.length === 0) return { result: existing };
          const members: PlannedMembership | undefined = result.members
            ? await this.members.forPatch(ctx.tenantId, id, result.members)
            : undefined;
          // Adding present members and removing absent ones changes nothing: the version and lastModified must not
          // move (RFC 7644 §3.5.2.1), or every idempotent retry of Entra's would look like a change.
          if (members && !members.changes && result.changed.every((c) => c === 'members')) {
            return { result: existing };
          }
          const { id: _id, meta: _meta, schemas, ...attributes } = result.resource;
          assertValueCounts(resourceType, attributes, this.settings.maxValuesPerAttribute);
          const next = this.model.nextRevision(
            existing,
            attributes,
            Array.isArray(schemas) ? schemas : existing.schemas,
          );
          await this.setPassword(next, result.password, existing);
          const operation = patchOperation(result.changed, existing, next);
          const noMemberChange = { added: [], removed: [] };
          const entry = await this.entry(ctx, operation, next, result.changed, {
            members: resourceType === 'Group' ? (members?.effect ?? noMemberChange) : undefined,
          });
          const unit = { replace: { doc: next, expectedRev: existing._rev }, memberships: members?.change };
          return { unit: { ...unit, journal: [entry] }, result: next };
        },
      },
      this.wakeAfter(ctx.tenantId),
    );
    return this.presenter.view(ctx, doc, selection);
  }

  /** RFC 7644 §3.6; the resource's memberships go with it (ResourceRepository.commit). */
  async delete(
    ctx: ScimRequestContext,
    resourceType: string,
    id: string,
    ifMatch: string | undefined,
  ): Promise<void> {
    await writeOptimistically(
      this.resources,
      ctx.tenantId,
      {
        ifMatch,
        load: () => this.query.load(ctx.tenantId, resourceType, id),
        build: async (existing) => {
          const taken = await this.members.forDelete(ctx.tenantId, existing);
          const entry = await this.entry(ctx, 'delete', existing, [], {
            ...taken,
            deleted: true,
            time: new Date().toISOString(),
          });
          // Compare-and-swap, so that the entry's version is the last one the resource really had.
          const unit = { delete: { resourceType, id, expectedRev: existing._rev }, journal: [entry] };
          return { unit, result: undefined };
        },
      },
      this.wakeAfter(ctx.tenantId),
    );
  }

  /**
   * RFC 7643 §4.1.1: the password is write-only; only its hash is kept. The one place a password is hashed; a
   * write that sets none keeps the hash the resource had.
   */
  private async setPassword(
    doc: ResourceDocument,
    password: string | undefined,
    existing?: ResourceDocument,
  ): Promise<void> {
    if (password !== undefined) doc._secret = { password: await hashPassword(password) };
    else if (existing?._secret) doc._secret = existing._secret;
  }

  /**
   * The change-journal entry of a write (JournalEntryInput, src/store/ports.ts): the resource as of the change,
   * its snapshot as GET would show it (not for a delete), at the resource's lastModified unless given.
   */
  private async entry(
    ctx: ScimRequestContext,
    operation: JournalOperation,
    doc: ResourceDocument,
    changedAttributes: string[],
    details: JournalDetails & { deleted?: boolean; time?: string },
  ): Promise<JournalEntryInput> {
    const { deleted, time, ...rest } = details;
    const snapshot = deleted ? undefined : await this.presenter.snapshot(ctx, doc);
    return journalEntry(
      ctx,
      operation,
      {
        resourceType: doc._type,
        id: doc.id,
        version: doc.meta.version,
        externalId: externalIdOf(doc),
        location: locationOf(ctx.baseUrl, doc),
      },
      changedAttributes,
      time ?? doc.meta.lastModified,
      { ...rest, snapshot },
    );
  }

  /** Per-tenant setting, falling back to STRICT_EXTENSIONS (issue "Many tenants, one server"). */
  private async strictExtensions(tenantId: string): Promise<boolean> {
    return (await this.tenantSettings.get(tenantId)).strictExtensions;
  }
}
