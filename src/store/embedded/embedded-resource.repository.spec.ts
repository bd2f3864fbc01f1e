import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { Query } from 'mingo';
import { QueryDocument, SortSpec, WriteUnit } from '../ports';
import { lookupShadows, ResourceDocument } from '../../scim/document/resource-document';
import * as queryUtil from '../store-query.util';
import { EmbeddedResourceRepository } from './embedded-resource.repository';
import { EmbeddedStore } from './embedded.store';

const T = 'tenant';

function user(id: string, userName: string, extra: Record<string, unknown> = {}): ResourceDocument {
  const attributes = { userName, ...extra };
  return {
    _tenant: T,
    _type: 'User',
    _rev: 1,
    _ci: lookupShadows(attributes),
    id,
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    meta: { resourceType: 'User', created: 'c', lastModified: 'm', version: 'v' },
    ...attributes,
  };
}

const insertOf = (doc: ResourceDocument): WriteUnit => ({ insert: doc, journal: [] });

describe(EmbeddedResourceRepository.name, () => {
  let dataDir: string;
  let store: EmbeddedStore;
  let sut: EmbeddedResourceRepository;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scim-embedded-'));
    store = EmbeddedStore.open(dataDir);
    sut = new EmbeddedResourceRepository(store);
    for (let i = 0; i < 200; i++) {
      const id = `u${String(i).padStart(3, '0')}`;
      await sut.commit(T, insertOf(user(id, `user${i}`, { externalId: `ext${i}`, active: i % 2 === 0 })));
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

  describe('sorted pages (cached order per sort, until the next write)', () => {
    const byName: SortSpec = { field: '_ci.userName', direction: 1 };
    const pageIds = async (query: QueryDocument, sort: SortSpec, skip = 0, limit = 1000) => {
      const result = await sut.find(T, 'User', query, { skip, limit, sort });
      return [result.totalResults, result.resources.map((d) => d.id)];
    };
    /** What find must answer: every stored match (read in default order), sorted by sortDocuments, paged. */
    const expected = async (query: QueryDocument, sort: SortSpec, skip = 0, limit = 1000) => {
      const all = (await sut.find(T, 'User', {}, { skip: 0, limit: 100_000 })).resources;
      const compiled = new Query(query);
      const matches = queryUtil.sortDocuments(
        all.filter((d) => compiled.test(d)),
        sort,
      );
      return [matches.length, matches.slice(skip, skip + limit).map((d) => d.id)];
    };

    it('sorts an unfiltered collection once: later pages of the same order do not sort again', async () => {
      const sortDocuments = jest.spyOn(queryUtil, 'sortDocuments');
      const first = await pageIds({}, byName, 0, 3);
      const second = await pageIds({}, byName, 3, 3);
      expect([first, second, sortDocuments.mock.calls.length]).toEqual([
        [200, ['u000', 'u001', 'u010']],
        [200, ['u100', 'u101', 'u102']],
        1,
      ]);
    });

    it('walks the cached order for a scanned filter instead of sorting its matches', async () => {
      await pageIds({}, byName, 0, 1);
      const sortDocuments = jest.spyOn(queryUtil, 'sortDocuments');
      const page = await pageIds({ active: false }, byName, 1, 2);
      expect([page, sortDocuments.mock.calls.length]).toEqual([[100, ['u101', 'u103']], 0]);
    });

    it('sorts again after a write to the collection', async () => {
      await pageIds({}, byName);
      const sortDocuments = jest.spyOn(queryUtil, 'sortDocuments');
      await sut.commit(T, insertOf(user('u999', 'aaa')));
      expect([await pageIds({}, byName, 0, 2), sortDocuments.mock.calls.length]).toEqual([
        [201, ['u999', 'u000']],
        1,
      ]);
    });

    it('keeps a cached order when only memberships change (no sort key depends on them)', async () => {
      await pageIds({}, byName);
      const sortDocuments = jest.spyOn(queryUtil, 'sortDocuments');
      await sut.commit(T, {
        memberships: { groupId: 'g1', add: [{ memberId: 'u001', memberType: 'User' }] },
        journal: [],
      });
      await pageIds({}, byName);
      expect(sortDocuments.mock.calls.length).toBe(0);
    });

    it('keeps at most SORTED_ORDERS_KEPT orders, dropping the least recently used', async () => {
      const sorts: SortSpec[] = [
        byName,
        { field: '_ci.userName', direction: -1 },
        { field: 'userName', direction: 1, caseInsensitive: true },
        { field: 'externalId', direction: 1 },
        { field: 'externalId', direction: -1 },
      ];
      for (const sort of sorts) await pageIds({}, sort, 0, 1);
      const sortDocuments = jest.spyOn(queryUtil, 'sortDocuments');
      await pageIds({}, sorts[4], 0, 1); // cached
      await pageIds({}, sorts[1], 0, 1); // cached
      await pageIds({}, sorts[0], 0, 1); // dropped when the fifth was added
      expect(sortDocuments.mock.calls.length).toBe(1);
    });

    it('answers exactly like a fresh sort through inserts, replaces, deletes, directions and case folding (property)', async () => {
      const name = fc.string({ unit: fc.constantFrom('a', 'A', 'b', 'B', 'c'), minLength: 1, maxLength: 3 });
      const title = fc.option(name, { nil: undefined });
      const id = fc.integer({ min: 0, max: 259 }).map((n) => `u${String(n).padStart(3, '0')}`);
      const write = fc.oneof(
        fc.record({ kind: fc.constant('upsert' as const), id, name, title }),
        fc.record({ kind: fc.constant('delete' as const), id }),
      );
      const read = fc.record({
        kind: fc.constant('read' as const),
        sort: fc.record({
          field: fc.constantFrom('userName', '_ci.userName', 'title'),
          direction: fc.constantFrom(1 as const, -1 as const),
          caseInsensitive: fc.boolean(),
        }),
        query: fc.constantFrom<QueryDocument>(
          {},
          { active: true },
          { '_ci.userName': { $in: ['user1', 'a', 'b'] } },
        ),
        skip: fc.integer({ min: 0, max: 210 }),
        limit: fc.integer({ min: 0, max: 30 }),
      });
      let serial = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.oneof(read, read, write), { maxLength: 12 }), async (commands) => {
          for (const command of commands) {
            if (command.kind === 'read') {
              const { query, sort, skip, limit } = command;
              expect(await pageIds(query, sort, skip, limit)).toEqual(
                await expected(query, sort, skip, limit),
              );
            } else if (command.kind === 'delete') {
              await sut.commit(T, { delete: { resourceType: 'User', id: command.id }, journal: [] });
            } else {
              // Unique userNames (a serial suffix): the store refuses duplicates.
              const doc = user(command.id, `${command.name}${serial++}`, {
                active: serial % 2 === 0,
                ...(command.title === undefined ? {} : { title: command.title }),
              });
              const current = await sut.findById(T, 'User', command.id);
              if (current) {
                await sut.commit(T, {
                  replace: { doc: { ...doc, _rev: current._rev + 1 }, expectedRev: current._rev },
                  journal: [],
                });
              } else await sut.commit(T, insertOf(doc));
            }
          }
        }),
        { numRuns: 40 },
      );
    });
  });

  it('yields to the event loop once a commit is written, so a loop of commits does not starve timers and I/O', async () => {
    let ranBetween = false;
    setImmediate(() => (ranBetween = true));
    await sut.commit(T, insertOf(user('u-yield', 'yielder')));
    expect(ranBetween).toBe(true);
  });

  it('has written the change before it yields', async () => {
    const committed = sut.commit(T, insertOf(user('u-early', 'early')));
    const seenBeforeResolving = store.collection(T, 'User')?.get('u-early') !== undefined;
    await committed;
    expect(seenBeforeResolving).toBe(true);
  });

  it('refuses server-side JavaScript in a query', async () => {
    await expect(sut.find(T, 'User', { $where: 'true' }, { skip: 0, limit: 1 })).rejects.toThrow();
  });

  it('leaves memory unchanged when SQLite refuses the write', async () => {
    store.db.close();
    await expect(sut.commit(T, insertOf(user('new', 'newbie')))).rejects.toThrow();
    expect(await sut.findById(T, 'User', 'new')).toBeNull();
  });

  it('refuses a document whose _tenant differs from the tenant argument', async () => {
    await expect(sut.commit('other', insertOf(user('x', 'x')))).rejects.toThrow(/belongs to tenant/);
  });

  it('has committed an acknowledged write even if the process is killed right after', async () => {
    const crashDir = mkdtempSync(join(tmpdir(), 'scim-crash-'));
    const script = `
      const { openEmbeddedStore } = require(${JSON.stringify(resolve(__dirname, 'embedded-store.factory'))});
      const store = openEmbeddedStore(${JSON.stringify(crashDir)});
      const doc = { _tenant: 't', _type: 'User', _rev: 1, _ci: { userName: 'a' }, id: 'u1', schemas: [], meta: {}, userName: 'a' };
      store.resources.commit('t', { insert: doc, journal: [] }).then(() => process.kill(process.pid, 'SIGKILL'));
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
