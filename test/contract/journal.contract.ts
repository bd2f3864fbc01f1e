/**
 * The change-journal part of the store contract: ResourceRepository.commit writes a document change, its
 * memberships and its journal entries atomically, and JournalRepository reads the entries back. Run against
 * every available adapter, like resource-repository.contract.ts.
 */
import { ScimError } from '../../src/scim/errors';
import { JournalEntryInput, WriteUnit } from '../../src/store/ports';
import { computeShadows, ResourceDocument, versionTag } from '../../src/store/resource-document';
import { StoreAdapters } from '../../src/store/store-query.util';
import { StoreHarness } from './resource-repository.contract';

const T1 = 'tenant-one';
const T2 = 'tenant-two';
const ACTOR = { credentialId: 'tok-1', label: 'Entra' };

function user(id: string, userName: string, rev = 1, tenant = T1): ResourceDocument {
  const attributes = { userName };
  const at = '2024-01-01T00:00:00.000Z';
  return {
    _tenant: tenant,
    _type: 'User',
    _rev: rev,
    _ci: computeShadows(attributes),
    id,
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    meta: { resourceType: 'User', created: at, lastModified: at, version: versionTag(id, rev) },
    ...attributes,
  };
}

function group(id: string, displayName: string, rev = 1): ResourceDocument {
  const attributes = { displayName };
  const at = '2024-01-01T00:00:00.000Z';
  return {
    _tenant: T1,
    _type: 'Group',
    _rev: rev,
    _ci: computeShadows(attributes),
    id,
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    meta: { resourceType: 'Group', created: at, lastModified: at, version: versionTag(id, rev) },
    ...attributes,
  };
}

function entry(
  operation: JournalEntryInput['operation'],
  resourceId: string,
  extra: Partial<JournalEntryInput> = {},
): JournalEntryInput {
  return {
    time: new Date().toISOString(),
    actor: ACTOR,
    requestId: `req-${resourceId}`,
    operation,
    resourceType: 'User',
    resourceId,
    version: versionTag(resourceId, 1),
    changedAttributes: ['userName'],
    ...extra,
  };
}

const created = (doc: ResourceDocument): WriteUnit => ({
  insert: doc,
  journal: [entry('create', doc.id, { version: doc.meta.version })],
});

export function describeJournalContract(name: string, createHarness: () => StoreHarness): void {
  describe(`${name}: commit and journal`, () => {
    let harness: StoreHarness;
    let sut: StoreAdapters;

    beforeEach(async () => {
      harness = createHarness();
      sut = await harness.open();
    });

    afterEach(async () => {
      await sut.health.close();
      await harness.destroy();
    });

    const seqsOf = async (tenant: string) => (await sut.journal.read(tenant, 0, 1000)).map((e) => e.seq);

    it('numbers the first entry of a tenant 1 and returns it with tenant and sequence number', async () => {
      const input = entry('create', 'u1');
      const result = await sut.resources.commit(T1, { insert: user('u1', 'alice'), journal: [input] });
      expect(result).toEqual({ applied: true, journalSeqs: [1] });
      expect(await sut.journal.read(T1, 0, 10)).toEqual([{ ...input, tenantId: T1, seq: 1 }]);
    });

    it('writes the document together with its entry', async () => {
      await sut.resources.commit(T1, created(user('u1', 'alice')));
      expect((await sut.resources.findById(T1, 'User', 'u1'))?.userName).toBe('alice');
    });

    it('keeps an entry without requestId and version as it was given', async () => {
      const input = entry('delete', 'u1', {
        requestId: undefined,
        version: undefined,
        changedAttributes: [],
      });
      await sut.resources.commit(T1, { journal: [input] });
      const [stored] = await sut.journal.read(T1, 0, 10);
      expect([stored.requestId, stored.version, stored.changedAttributes]).toEqual([
        undefined,
        undefined,
        [],
      ]);
    });

    it('numbers consecutive entries, several in one unit included, without gaps', async () => {
      await sut.resources.commit(T1, created(user('u1', 'alice')));
      const result = await sut.resources.commit(T1, {
        insert: user('u2', 'bob'),
        journal: [entry('create', 'u2'), entry('membership', 'u2')],
      });
      expect([result.journalSeqs, await seqsOf(T1)]).toEqual([
        [2, 3],
        [1, 2, 3],
      ]);
    });

    it('numbers each tenant on its own', async () => {
      await sut.resources.commit(T1, created(user('u1', 'alice')));
      await sut.resources.commit(T1, created(user('u2', 'bob')));
      const result = await sut.resources.commit(T2, created(user('u1', 'alice', 1, T2)));
      expect([result.journalSeqs, await seqsOf(T2)]).toEqual([[1], [1]]);
    });

    it('never returns another tenant’s entries', async () => {
      await sut.resources.commit(T1, created(user('u1', 'alice')));
      expect(await sut.journal.read(T2, 0, 10)).toEqual([]);
    });

    it('writes nothing and no entry when the compare-and-swap of a replace fails', async () => {
      await sut.resources.commit(T1, created(user('u1', 'alice')));
      const result = await sut.resources.commit(T1, {
        replace: { doc: user('u1', 'mallory', 3), expectedRev: 2 },
        journal: [entry('replace', 'u1')],
      });
      expect(result).toEqual({ applied: false, journalSeqs: [] });
      expect([await seqsOf(T1), (await sut.resources.findById(T1, 'User', 'u1'))?.userName]).toEqual([
        [1],
        'alice',
      ]);
    });

    it('writes no entry when a replace finds the document gone', async () => {
      const result = await sut.resources.commit(T1, {
        replace: { doc: user('ghost', 'ghost', 2), expectedRev: 1 },
        journal: [entry('patch', 'ghost')],
      });
      expect([result.applied, await seqsOf(T1)]).toEqual([false, []]);
    });

    it('writes no entry and no document on a uniqueness conflict (409)', async () => {
      await sut.resources.commit(T1, created(user('u1', 'alice')));
      const error = await sut.resources.commit(T1, created(user('u2', 'ALICE'))).catch((e: unknown) => e);
      expect([error instanceof ScimError && error.scimType, await seqsOf(T1)]).toEqual(['uniqueness', [1]]);
      expect(await sut.resources.findById(T1, 'User', 'u2')).toBeNull();
    });

    it('leaves no gap after a failed write: the next entry takes the next number', async () => {
      await sut.resources.commit(T1, created(user('u1', 'alice')));
      await sut.resources.commit(T1, created(user('u2', 'alice'))).catch(() => undefined);
      await sut.resources.commit(T1, {
        replace: { doc: user('u1', 'x', 9), expectedRev: 8 },
        journal: [entry('replace', 'u1')],
      });
      const result = await sut.resources.commit(T1, created(user('u3', 'carol')));
      expect([result.journalSeqs, await seqsOf(T1)]).toEqual([[2], [1, 2]]);
    });

    it('writes no entry when a delete finds nothing to delete', async () => {
      const result = await sut.resources.commit(T1, {
        delete: { resourceType: 'User', id: 'nope' },
        journal: [entry('delete', 'nope')],
      });
      expect([result.applied, await seqsOf(T1)]).toEqual([false, []]);
    });

    it('keeps the document and writes no entry when a delete expects another revision', async () => {
      await sut.resources.commit(T1, created(user('u1', 'alice', 2)));
      const result = await sut.resources.commit(T1, {
        delete: { resourceType: 'User', id: 'u1', expectedRev: 1 },
        journal: [entry('delete', 'u1')],
      });
      expect([result.applied, await seqsOf(T1)]).toEqual([false, [1]]);
      expect(await sut.resources.findById(T1, 'User', 'u1')).not.toBeNull();
    });

    it('deletes the document and its memberships with the expected revision, with the entry', async () => {
      await sut.resources.commit(T1, created(user('u1', 'alice', 2)));
      await sut.memberships.add(T1, 'g1', [{ memberId: 'u1', memberType: 'User' }]);
      const result = await sut.resources.commit(T1, {
        delete: { resourceType: 'User', id: 'u1', expectedRev: 2 },
        journal: [entry('delete', 'u1')],
      });
      expect([result.journalSeqs, await sut.resources.findById(T1, 'User', 'u1')]).toEqual([[2], null]);
      expect(await sut.memberships.groupsWithMember(T1, ['u1'])).toEqual([]);
    });

    it('applies memberships with the document: removeAll, then remove, then add', async () => {
      await sut.resources.commit(T1, { insert: group('g1', 'Sales'), journal: [] });
      await sut.memberships.add(T1, 'g1', [
        { memberId: 'u1', memberType: 'User' },
        { memberId: 'u2', memberType: 'User' },
      ]);
      const result = await sut.resources.commit(T1, {
        replace: { doc: group('g1', 'Sales', 2), expectedRev: 1 },
        memberships: {
          groupId: 'g1',
          removeAll: true,
          add: [
            { memberId: 'u3', memberType: 'User' },
            { memberId: 'g9', memberType: 'Group' },
            { memberId: 'u3', memberType: 'User' },
          ],
        },
        journal: [entry('membership', 'g1', { resourceType: 'Group', changedAttributes: ['members'] })],
      });
      const members = (await sut.memberships.membersOf(T1, 'g1')).map((m) => m.memberId).sort();
      expect([result.journalSeqs, members]).toEqual([[1], ['g9', 'u3']]);
    });

    it('removes and adds single members of a group', async () => {
      await sut.resources.commit(T1, { insert: group('g1', 'Sales'), journal: [] });
      await sut.memberships.add(T1, 'g1', [
        { memberId: 'u1', memberType: 'User' },
        { memberId: 'u2', memberType: 'User' },
      ]);
      await sut.resources.commit(T1, {
        replace: { doc: group('g1', 'Sales', 2), expectedRev: 1 },
        memberships: {
          groupId: 'g1',
          remove: ['u1', 'absent'],
          add: [{ memberId: 'u2', memberType: 'User' }],
        },
        journal: [],
      });
      expect((await sut.memberships.membersOf(T1, 'g1')).map((m) => m.memberId)).toEqual(['u2']);
    });

    it('leaves memberships untouched when the compare-and-swap fails', async () => {
      await sut.resources.commit(T1, { insert: group('g1', 'Sales'), journal: [] });
      await sut.memberships.add(T1, 'g1', [{ memberId: 'u1', memberType: 'User' }]);
      await sut.resources.commit(T1, {
        replace: { doc: group('g1', 'Sales', 5), expectedRev: 4 },
        memberships: { groupId: 'g1', removeAll: true, add: [{ memberId: 'u2', memberType: 'User' }] },
        journal: [entry('membership', 'g1')],
      });
      expect((await sut.memberships.membersOf(T1, 'g1')).map((m) => m.memberId)).toEqual(['u1']);
    });

    it('refuses a unit that changes two documents', async () => {
      await expect(
        sut.resources.commit(T1, {
          insert: user('u1', 'alice'),
          delete: { resourceType: 'User', id: 'u2' },
          journal: [],
        }),
      ).rejects.toThrow(/at most one document/);
    });

    it('reads the entries after `since`, ascending, at most `limit`', async () => {
      for (let i = 1; i <= 5; i++) await sut.resources.commit(T1, created(user(`u${i}`, `user${i}`)));
      const page = await sut.journal.read(T1, 2, 2);
      expect(page.map((e) => [e.seq, e.resourceId])).toEqual([
        [3, 'u3'],
        [4, 'u4'],
      ]);
    });

    it('reads nothing past the last entry or with limit 0', async () => {
      await sut.resources.commit(T1, created(user('u1', 'alice')));
      expect([await sut.journal.read(T1, 1, 10), await sut.journal.read(T1, 0, 0)]).toEqual([[], []]);
    });

    it('gives concurrent commits distinct consecutive numbers', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => sut.resources.commit(T1, created(user(`u${i}`, `user${i}`)))),
      );
      const given = results.flatMap((r) => r.journalSeqs).sort((a, b) => a - b);
      const expected = Array.from({ length: 20 }, (_, i) => i + 1);
      expect([given, await seqsOf(T1)]).toEqual([expected, expected]);
    });

    it('keeps entries and goes on numbering after a reopen', async () => {
      await sut.resources.commit(T1, created(user('u1', 'alice')));
      await sut.resources.commit(T1, created(user('u2', 'bob')));
      await sut.health.close();
      sut = await harness.open();
      const result = await sut.resources.commit(T1, created(user('u3', 'carol')));
      expect([result.journalSeqs, await seqsOf(T1)]).toEqual([[3], [1, 2, 3]]);
      expect((await sut.journal.read(T1, 0, 1))[0]).toMatchObject({ tenantId: T1, seq: 1, actor: ACTOR });
    });
  });
}
