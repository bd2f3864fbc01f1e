import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { lookupShadows } from '../../scim/document/resource-document';
import { openEmbeddedStore } from './embedded-store.factory';
import { trackEmbeddedStoreSize } from './embedded-store.metrics';
import { SQLITE_FILE_NAME } from './embedded.store';

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

    for (let i = 0; i < 50; i++) {
      const attributes = { userName: `user${i}`, displayName: 'x'.repeat(500) };
      await adapters.resources.commit('t', {
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
    const after = await registry.metrics();
    await adapters.health.close();

    expect(bytes(before, 'database')).toBeGreaterThan(0);
    expect(bytes(after, 'wal')).toBeGreaterThan(bytes(before, 'wal'));
  });
});
