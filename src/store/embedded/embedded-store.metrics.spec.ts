import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { lookupShadows } from '../../scim/document/resource-document';
import type { StoreAdapters } from '../store-query.util';
import { openEmbeddedStore } from './embedded-store.factory';
import { observeWalFlushes, trackEmbeddedStoreSize } from './embedded-store.metrics';
import { SQLITE_FILE_NAME } from './embedded.store';

/** Commits one user of 500-odd bytes; resolves once it is durable. */
function insertUser(adapters: StoreAdapters, i: number) {
  const attributes = { userName: `user${i}`, displayName: 'x'.repeat(500) };
  return adapters.resources.commit('t', {
    insert: {
      _tenant: 't',
      _type: 'User',
      _rev: 1,
      _ci: lookupShadows(attributes),
      id: `u${i}`,
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      meta: { resourceType: 'User', created: 'c', lastModified: 'm', version: 'v' },
      ...attributes,
    },
    journal: [],
  });
}

describe(trackEmbeddedStoreSize.name, () => {
  let dataDir: string;

  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'scim-size-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  function bytes(text: string, file: string): number {
    return Number(new RegExp(`^scim_embedded_store_bytes\\{file="${file}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
  }

  it('reports the SQLite file and its WAL at each scrape, growing with the writes', async () => {
    const adapters = openEmbeddedStore(dataDir);
    const registry = new Registry();
    trackEmbeddedStoreSize(join(dataDir, SQLITE_FILE_NAME), registry);
    const before = await registry.metrics();

    for (let i = 0; i < 50; i++) await insertUser(adapters, i);
    const after = await registry.metrics();
    await adapters.health.close();

    expect(bytes(before, 'database')).toBeGreaterThan(0);
    expect(bytes(after, 'wal')).toBeGreaterThan(bytes(before, 'wal'));
  });
});

describe(observeWalFlushes.name, () => {
  let dataDir: string;

  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'scim-flush-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** The value of an unlabelled series in the text exposition. */
  async function value(registry: Registry, series: string): Promise<number> {
    return Number(new RegExp(`^${series} (\\S+)$`, 'm').exec(await registry.metrics())?.[1]);
  }

  it('counts the flushes, the commits they made durable and their duration: concurrent commits share one', async () => {
    const registry = new Registry();
    const adapters = openEmbeddedStore(dataDir, { onWalFlush: observeWalFlushes(registry) });
    const flushes = () => value(registry, 'scim_embedded_store_wal_flushes_total');
    const commits = () => value(registry, 'scim_embedded_store_wal_flushed_commits_total');
    const durations = () => value(registry, 'scim_embedded_store_wal_flush_duration_seconds_count');
    try {
      // One at a time: a flush each.
      for (let i = 0; i < 3; i++) await insertUser(adapters, i);
      expect([await flushes(), await commits(), await durations()]).toEqual([3, 3, 3]);

      // Ten in one event-loop turn: one fdatasync makes them all durable.
      await Promise.all(Array.from({ length: 10 }, (_, i) => insertUser(adapters, 10 + i)));
      expect([await flushes(), await commits(), await durations()]).toEqual([4, 13, 4]);
      expect(await value(registry, 'scim_embedded_store_wal_flush_duration_seconds_sum')).toBeGreaterThan(0);
    } finally {
      await adapters.health.close();
    }
  });

  it('registers the metrics once per registry, so several stores of one process add to the same series', () => {
    const registry = new Registry();
    const first = observeWalFlushes(registry);
    const second = observeWalFlushes(registry);
    first({ commits: 2, seconds: 0.001 });
    second({ commits: 5, seconds: 0.002 });
    return expect(registry.metrics()).resolves.toMatch(
      /^scim_embedded_store_wal_flushed_commits_total 7$[\s\S]*^scim_embedded_store_wal_flush_duration_seconds_count 2$/m,
    );
  });
});
