import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupShadows, ResourceDocument } from '../../scim/document/resource-document';
import { EmbeddedMembershipRepository } from './embedded-membership.repository';
import { EmbeddedResourceRepository } from './embedded-resource.repository';
import { EmbeddedStore } from './embedded.store';

function doc(tenant: string, type: string, id: string, name: string): ResourceDocument {
  const attributes =
    type === 'User' ? { userName: name, emails: [{ value: `${name}@X.example` }] } : { displayName: name };
  return {
    _tenant: tenant,
    _type: type,
    _rev: 1,
    _ci: lookupShadows(attributes),
    id,
    schemas: [`urn:ietf:params:scim:schemas:core:2.0:${type}`],
    meta: {
      resourceType: type,
      created: '2026-01-01T00:00:00.000Z',
      lastModified: '2026-01-01T00:00:00.000Z',
      version: `W/"1-${id}"`,
    },
    ...attributes,
  };
}

/**
 * Ids whose order differs between SQLite's key order (UTF-8 bytes) and JavaScript's (UTF-16 code units):
 * U+FF61 sorts before U+1F600 in UTF-8 and after it in UTF-16.
 */
const USER_IDS = ['b', 'a', '\uFF61', '\u{1F600}', 'c'];

describe('EmbeddedStore at boot', () => {
  let dataDir: string;
  let store: EmbeddedStore;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'scim-embedded-load-'));
    store = EmbeddedStore.open(dataDir);
    const resources = new EmbeddedResourceRepository(store);
    for (const tenant of ['t1', 't2']) {
      for (const id of USER_IDS) {
        await resources.commit(tenant, {
          insert: doc(tenant, 'User', id, `${tenant}-User-${id}`),
          journal: [],
        });
      }
      for (const id of ['g2', 'g1']) {
        await resources.commit(tenant, {
          insert: doc(tenant, 'Group', id, `${tenant}-Group-${id}`),
          memberships: {
            groupId: id,
            add: USER_IDS.slice(id === 'g1' ? 0 : 2).map((memberId) => ({ memberId, memberType: 'User' })),
          },
          journal: [],
        });
      }
    }
    await resources.commit('t1', {
      memberships: { groupId: 'g1', add: [{ memberId: 'g2', memberType: 'Group' }] },
      journal: [],
    });
  });

  afterEach(() => {
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** What the ports read from a store: every document in list order, lookups, memberships both ways. */
  async function snapshot(of: EmbeddedStore) {
    const resources = new EmbeddedResourceRepository(of);
    const memberships = new EmbeddedMembershipRepository(of);
    const seen: unknown[] = [];
    for (const tenant of ['t1', 't2']) {
      for (const type of ['User', 'Group']) {
        const all = await resources.find(tenant, type, {}, { skip: 0, limit: 100 });
        const byName = await Promise.all(
          all.resources.map((d) =>
            resources.find(tenant, type, { '_ci.userName': d._ci.userName ?? '' }, { skip: 0, limit: 10 }),
          ),
        );
        const byEmail = await resources.find(
          tenant,
          type,
          { '_ci.emails': `${tenant}-user-a@x.example` },
          { skip: 0, limit: 10 },
        );
        seen.push(all, byName, byEmail);
      }
      // Membership lists come in no promised order (insertion order while running, key order after a boot).
      const sorted = (values: unknown[]) => values.map((v) => JSON.stringify(v)).sort();
      seen.push(
        sorted(await memberships.membersOf(tenant, 'g1')),
        sorted(await memberships.groupsWithMember(tenant, [...USER_IDS, 'g2'])),
        sorted(await memberships.groupIdsWithAnyMember(tenant)),
        sorted(await memberships.memberIdsInAnyGroup(tenant)),
      );
    }
    return seen;
  }

  it('reads back after a restart exactly what it answered before, in the same order', async () => {
    const before = await snapshot(store);
    store.close();
    store = EmbeddedStore.open(dataDir);

    expect(await snapshot(store)).toEqual(before);
    const users = await new EmbeddedResourceRepository(store).find('t1', 'User', {}, { skip: 0, limit: 100 });
    expect(users.resources.map((d) => d.id)).toEqual([...USER_IDS].sort());
  });

  it('refuses to boot on a row that holds another document', async () => {
    store.db
      .prepare("UPDATE resources SET doc = json_set(doc, '$.id', 'other') WHERE id = 'a' AND tenant = 't1'")
      .run();
    store.close();

    expect(() => (store = EmbeddedStore.open(dataDir))).toThrow(/row \(t1, User, a\) holds another document/);
    store = EmbeddedStore.open(join(dataDir, 'fresh'));
  });
});
