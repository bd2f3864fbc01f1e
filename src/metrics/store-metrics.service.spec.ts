import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { lookupShadows, ResourceDocument } from '../scim/document/resource-document';
import { ScimError } from '../scim/errors';
import { CommitEvents, ObservedResourceRepository } from '../store/commit-observer';
import { openEmbeddedStore } from '../store/embedded/embedded-store.factory';
import { JournalEntryInput, WriteUnit } from '../store/ports';
import { StoreAdapters } from '../store/store-query.util';
import {
  JOURNAL_HEAD_SEQ,
  STORE_COMMIT_DURATION,
  STORE_COMMIT_FAILURES,
  STORED_RESOURCES,
  StoreMetrics,
} from './store-metrics.service';

const T = 'acme';

function doc(type: 'User' | 'Group', id: string, name: string): ResourceDocument {
  const attributes = type === 'User' ? { userName: name } : { displayName: name };
  return {
    _tenant: T,
    _type: type,
    _rev: 1,
    _ci: lookupShadows(attributes),
    id,
    schemas: [`urn:ietf:params:scim:schemas:core:2.0:${type}`],
    meta: { resourceType: type, created: 'c', lastModified: 'm', version: 'v' },
    ...attributes,
  };
}

function entry(id: string): JournalEntryInput {
  return {
    time: new Date().toISOString(),
    actor: { credentialId: 'c', label: 'test' },
    operation: 'create',
    resourceType: 'User',
    resourceId: id,
    changedAttributes: ['userName'],
  };
}

/** A real embedded store behind the real wrapper; the metrics in a registry of the test's own. */
describe(StoreMetrics.name, () => {
  let dataDir: string;
  let adapters: StoreAdapters;
  let registry: Registry;
  let events: CommitEvents;
  let resources: ObservedResourceRepository;
  let sut: StoreMetrics;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scim-store-metrics-'));
    adapters = openEmbeddedStore(dataDir);
    await adapters.tenants.upsertTenant({ id: T, name: T, disabled: false, createdAt: 'now' });
    await adapters.tenants.upsertTenant({ id: 'empty', name: 'empty', disabled: false, createdAt: 'now' });
    // Two users and a journal entry before the metrics start: the boot count must find them.
    await adapters.resources.commit(T, { insert: doc('User', 'u1', 'alice'), journal: [entry('u1')] });
    await adapters.resources.commit(T, { insert: doc('User', 'u2', 'bob'), journal: [entry('u2')] });
    registry = new Registry();
    events = new CommitEvents();
    resources = new ObservedResourceRepository(adapters.resources, events);
    sut = new StoreMetrics(
      events,
      resources,
      adapters.journal,
      adapters.tenants,
      new Histogram({
        name: STORE_COMMIT_DURATION,
        help: 'h',
        labelNames: ['outcome'],
        registers: [registry],
      }),
      new Counter({ name: STORE_COMMIT_FAILURES, help: 'h', labelNames: ['reason'], registers: [registry] }),
      new Gauge({
        name: STORED_RESOURCES,
        help: 'h',
        labelNames: ['tenant', 'resource_type'],
        registers: [registry],
      }),
      new Gauge({ name: JOURNAL_HEAD_SEQ, help: 'h', labelNames: ['tenant'], registers: [registry] }),
    );
    await sut.onApplicationBootstrap();
  });

  afterEach(async () => {
    sut.onModuleDestroy();
    await adapters.health.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const commit = (unit: WriteUnit) => resources.commit(T, unit);

  it('seeds users, groups and the journal head of every tenant from the store at boot', async () => {
    const text = await registry.metrics();

    expect(text).toContain('scim_resources{tenant="acme",resource_type="User"} 2');
    expect(text).toContain('scim_resources{tenant="acme",resource_type="Group"} 0');
    expect(text).toContain('scim_resources{tenant="empty",resource_type="User"} 0');
    expect(text).toContain('scim_journal_head_seq{tenant="acme"} 2');
    expect(text).toContain('scim_journal_head_seq{tenant="empty"} 0');
  });

  it('follows inserts and deletes that applied, and the journal head, without counting again', async () => {
    const find = jest.spyOn(adapters.resources, 'find');
    await commit({ insert: doc('Group', 'g1', 'admins'), journal: [entry('g1')] });
    await commit({ insert: doc('User', 'u3', 'carol'), journal: [entry('u3')] });
    await commit({ delete: { resourceType: 'User', id: 'u1' }, journal: [entry('u1')] });
    // Gone already: not applied, counts nothing.
    await commit({ delete: { resourceType: 'User', id: 'u1' }, journal: [entry('u1')] });

    const text = await registry.metrics();
    expect(text).toContain('scim_resources{tenant="acme",resource_type="User"} 2');
    expect(text).toContain('scim_resources{tenant="acme",resource_type="Group"} 1');
    expect(text).toContain('scim_journal_head_seq{tenant="acme"} 5');
    expect(find).not.toHaveBeenCalled();
  });

  it('times every commit by outcome and counts failures by reason', async () => {
    await commit({ insert: doc('User', 'u9', 'dave'), journal: [] });
    await commit({ replace: { doc: doc('User', 'u9', 'dave'), expectedRev: 42 }, journal: [] });
    await expect(commit({ insert: doc('User', 'u10', 'ALICE'), journal: [] })).rejects.toBeInstanceOf(
      ScimError,
    );
    await expect(
      commit({
        memberships: { groupId: 'nope', add: [{ memberId: 'ghost', memberType: 'User' }] },
        journal: [],
      }),
    ).rejects.toBeInstanceOf(ScimError);
    jest.spyOn(adapters.resources, 'commit').mockRejectedValueOnce(new Error('SQLITE_IOERR'));
    await expect(commit({ insert: doc('User', 'u11', 'erin'), journal: [] })).rejects.toThrow('SQLITE_IOERR');

    const text = await registry.metrics();
    expect(text).toContain('scim_store_commit_duration_seconds_count{outcome="applied"} 1');
    expect(text).toContain('scim_store_commit_duration_seconds_count{outcome="not_applied"} 1');
    expect(text).toContain('scim_store_commit_duration_seconds_count{outcome="failed"} 3');
    expect(text).toContain('scim_store_commit_failures_total{reason="revision_conflict"} 1');
    expect(text).toContain('scim_store_commit_failures_total{reason="uniqueness"} 1');
    expect(text).toContain('scim_store_commit_failures_total{reason="invalid_member"} 1');
    expect(text).toContain('scim_store_commit_failures_total{reason="error"} 1');
    // A failed insert is no user.
    expect(text).toContain('scim_resources{tenant="acme",resource_type="User"} 3');
  });

  it('corrects the gauges with the next count (changes made by another replica)', async () => {
    await adapters.resources.commit(T, { insert: doc('User', 'u7', 'zoe'), journal: [entry('u7')] });
    expect(await registry.metrics()).toContain('scim_resources{tenant="acme",resource_type="User"} 2');

    await sut.recount();

    const text = await registry.metrics();
    expect(text).toContain('scim_resources{tenant="acme",resource_type="User"} 3');
    expect(text).toContain('scim_journal_head_seq{tenant="acme"} 3');
  });
});
