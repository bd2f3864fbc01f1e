import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Query } from 'mingo';
import { computeShadows, ResourceDocument } from '../resource-document';
import { EmbeddedResourceRepository } from './embedded-resource.repository';
import { EmbeddedStore } from './embedded.store';

const T = 'tenant';

function user(id: string, userName: string, extra: Record<string, unknown> = {}): ResourceDocument {
  const attributes = { userName, ...extra };
  return {
    _tenant: T,
    _type: 'User',
    _rev: 1,
    _ci: computeShadows(attributes),
    id,
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    meta: { resourceType: 'User', created: 'c', lastModified: 'm', version: 'v' },
    ...attributes,
  };
}

describe(EmbeddedResourceRepository.name, () => {
  let dataDir: string;
  let store: EmbeddedStore;
  let sut: EmbeddedResourceRepository;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scim-embedded-'));
    store = EmbeddedStore.open(dataDir);
    sut = new EmbeddedResourceRepository(store);
    for (let i = 0; i < 200; i++) {
      await sut.insert(
        T,
        user(`u${String(i).padStart(3, '0')}`, `user${i}`, { externalId: `ext${i}`, active: i % 2 === 0 }),
      );
    }
  });

  afterEach(() => {
    jest.restoreAllMocks();
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers an indexed equality by testing only the indexed candidate', async () => {
    const test = jest.spyOn(Query.prototype, 'test');
    const result = await sut.find(
      T,
      'User',
      { $and: [{ '_ci.userName': 'user42' }, { active: true }] },
      { skip: 0, limit: 10 },
    );
    expect([result.totalResults, test.mock.calls.length]).toEqual([1, 1]);
  });

  it('answers $in on id from the id index alone, without re-testing (an exact probe)', async () => {
    const test = jest.spyOn(Query.prototype, 'test');
    const result = await sut.find(
      T,
      'User',
      { id: { $in: ['u002', 'u001', 'zzz'] } },
      { skip: 0, limit: 10 },
    );
    expect([result.resources.map((d) => d.id), test.mock.calls.length]).toEqual([['u001', 'u002'], 0]);
  });

  it('re-tests the $in candidates when another condition narrows them', async () => {
    const test = jest.spyOn(Query.prototype, 'test');
    await sut.find(T, 'User', { id: { $in: ['u001', 'u002', 'zzz'] }, active: true }, { skip: 0, limit: 10 });
    expect(test.mock.calls.length).toBe(2);
  });

  it('scans every document when no index applies', async () => {
    const test = jest.spyOn(Query.prototype, 'test');
    const result = await sut.find(T, 'User', { active: true }, { skip: 0, limit: 10 });
    expect([result.totalResults, test.mock.calls.length]).toEqual([100, 200]);
  });

  it('pages an unfiltered default-order list without testing documents', async () => {
    const test = jest.spyOn(Query.prototype, 'test');
    const result = await sut.find(T, 'User', {}, { skip: 195, limit: 10 });
    expect([result.totalResults, result.resources.map((d) => d.id), test.mock.calls.length]).toEqual([
      200,
      ['u195', 'u196', 'u197', 'u198', 'u199'],
      0,
    ]);
  });

  it('refuses server-side JavaScript in a query', async () => {
    await expect(sut.find(T, 'User', { $where: 'true' }, { skip: 0, limit: 1 })).rejects.toThrow();
  });

  it('leaves memory unchanged when SQLite refuses the write', async () => {
    store.db.close();
    await expect(sut.insert(T, user('new', 'newbie'))).rejects.toThrow();
    expect(await sut.findById(T, 'User', 'new')).toBeNull();
  });

  it('refuses a document whose _tenant differs from the tenant argument', async () => {
    await expect(sut.insert('other', user('x', 'x'))).rejects.toThrow(/belongs to tenant/);
  });

  it('has committed an acknowledged write even if the process is killed right after', async () => {
    const crashDir = mkdtempSync(join(tmpdir(), 'scim-crash-'));
    const script = `
      const { openEmbeddedStore } = require(${JSON.stringify(resolve(__dirname, 'embedded-store.factory'))});
      const store = openEmbeddedStore(${JSON.stringify(crashDir)});
      const doc = { _tenant: 't', _type: 'User', _rev: 1, _ci: { userName: 'a' }, id: 'u1', schemas: [], meta: {}, userName: 'a' };
      store.resources.insert('t', doc).then(() => process.kill(process.pid, 'SIGKILL'));
    `;
    const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: resolve(__dirname, '../../..'),
      encoding: 'utf8',
    });
    expect(child.signal).toBe('SIGKILL');
    const reopened = EmbeddedStore.open(crashDir);
    try {
      expect(await new EmbeddedResourceRepository(reopened).findById('t', 'User', 'u1')).not.toBeNull();
    } finally {
      reopened.close();
      rmSync(crashDir, { recursive: true, force: true });
    }
  });
});
