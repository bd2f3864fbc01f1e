import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreAdapters } from '../store-query.util';
import { StorageCondition, StorageUnavailableError } from '../storage-failure';
import { embeddedAdapters } from './embedded-store.factory';
import { EmbeddedStore } from './embedded.store';
import { sqliteStorageFailure } from './sqlite-storage-failure';

const tenant = (id: string, name = id) => ({ id, name, disabled: false, createdAt: '2026-01-01T00:00:00Z' });

/**
 * Real SQLite errors, no fakes: `PRAGMA query_only` makes SQLite itself refuse writes with SQLITE_READONLY, and
 * `PRAGMA max_page_count` at the current size makes a growing write fail with SQLITE_FULL, as a full disk does
 * (test/e2e/storage-failures.e2e-spec.ts fills a real tmpfs and makes the files immutable).
 */
describe('Embedded store when it cannot write', () => {
  let dataDir: string;
  let store: EmbeddedStore;
  let condition: StorageCondition;
  let sut: StoreAdapters;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scim-storage-'));
    store = EmbeddedStore.open(dataDir);
    condition = new StorageCondition({ error: () => undefined, log: () => undefined });
    sut = embeddedAdapters(store, condition);
    await sut.tenants.upsertTenant(tenant('before'));
  });

  afterEach(() => {
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 to a write SQLite refuses as read-only, keeps reads, fails readiness and recovers', async () => {
    store.db.pragma('query_only = ON');

    const error = await sut.tenants.upsertTenant(tenant('during')).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(error).toMatchObject({ status: 503, reason: 'the data files are read-only (SQLITE_READONLY)' });
    expect((error as StorageUnavailableError).cause).toMatchObject({ code: 'SQLITE_READONLY' });
    await expect(sut.tenants.findTenant('before')).resolves.toMatchObject({ id: 'before' });
    await expect(sut.tenants.findTenant('during')).resolves.toBeNull();
    await expect(sut.health.ping()).rejects.toThrow(
      'The store cannot write: the data files are read-only (SQLITE_READONLY)',
    );

    store.db.pragma('query_only = OFF');

    await expect(sut.health.ping()).resolves.toBeUndefined();
    expect(condition.failure).toBeUndefined();
    await expect(sut.tenants.upsertTenant(tenant('after'))).resolves.toBeUndefined();
  });

  it('answers 503 to a write that finds no room (SQLITE_FULL)', async () => {
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages}`);

    await expect(sut.tenants.upsertTenant(tenant('big', 'x'.repeat(200_000)))).rejects.toMatchObject({
      status: 503,
      reason: 'the disk is full (SQLITE_FULL)',
    });
    expect(condition.failure).toBe('the disk is full (SQLITE_FULL)');
    await expect(sut.tenants.findTenant('big')).resolves.toBeNull();
  });

  it('does not probe-write while nothing has failed', async () => {
    store.db.pragma('query_only = ON');

    await expect(sut.health.ping()).resolves.toBeUndefined();
  });

  it('leaves other SQLite errors alone', () => {
    expect(
      sqliteStorageFailure(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_UNIQUE' })),
    ).toBeUndefined();
    expect(sqliteStorageFailure(Object.assign(new Error('x'), { code: 'SQLITE_IOERR_FSYNC' }))).toBe(
      'an I/O error on the data files (SQLITE_IOERR_FSYNC)',
    );
    expect(sqliteStorageFailure(Object.assign(new Error('x'), { code: 'SQLITE_READONLY_DBMOVED' }))).toBe(
      'the data files are read-only (SQLITE_READONLY_DBMOVED)',
    );
  });
});
