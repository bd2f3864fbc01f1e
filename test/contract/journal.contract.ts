/**
 * The change-journal part of the store contract: ResourceRepository.commit writes a document change, its
 * memberships and its journal entries atomically, and JournalRepository reads the entries back. Run against
 * every available adapter, like resource-repository.contract.ts.
 */
import { ScimError } from '../../src/scim/errors';
import { JournalEntryInput, WriteUnit } from '../../src/store/ports';
import { lookupShadows, ResourceDocument, versionTag } from '../../src/scim/document/resource-document';
import { StoreAdapters } from '../../src/store/store-query.util';
import { StoreHarness } from './resource-repository.contract';
import { writesThroughCommit } from './writes-through-commit';

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
    _ci: lookupShadows(attributes),
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
    _ci: lookupShadows(attributes),
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
    const write = writesThroughCommit(() => sut.resources);

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
      await write.addMembers(T1, 'g1', [{ memberId: 'u1', memberType: 'User' }]);
      const result = await sut.resources.commit(T1, {
        delete: { resourceType: 'User', id: 'u1', expectedRev: 2 },
        journal: [entry('delete', 'u1')],
      });
      expect([result.journalSeqs, await sut.resources.findById(T1, 'User', 'u1')]).toEqual([[2], null]);
      expect(await sut.memberships.groupsWithMember(T1, ['u1'])).toEqual([]);
    });

    it('applies memberships with the document: removeAll, then remove, then add', async () => {
      await sut.resources.commit(T1, { insert: group('g1', 'Sales'), journal: [] });
      await sut.resources.commit(T1, { insert: user('u3', 'carol'), journal: [] });
      await sut.resources.commit(T1, { insert: group('g9', 'Team'), journal: [] });
      await sut.resources.commit(T1, { insert: user('u1', 'alice'), journal: [] });
      await sut.resources.commit(T1, { insert: user('u2', 'bob'), journal: [] });
      await write.addMembers(T1, 'g1', [
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
      await sut.resources.commit(T1, { insert: user('u1', 'alice'), journal: [] });
      await sut.resources.commit(T1, { insert: user('u2', 'bob'), journal: [] });
      await write.addMembers(T1, 'g1', [
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
      await sut.resources.commit(T1, { insert: user('u1', 'alice'), journal: [] });
      await sut.resources.commit(T1, { insert: user('u2', 'bob'), journal: [] });
      await write.addMembers(T1, 'g1', [{ memberId: 'u1', memberType: 'User' }]);
      await sut.resources.commit(T1, {
        replace: { doc: group('g1', 'Sales', 5), expectedRev: 4 },
        memberships: { groupId: 'g1', removeAll: true, add: [{ memberId: 'u2', memberType: 'User' }] },
        journal: [entry('membership', 'g1')],
      });
      expect((await sut.memberships.membersOf(T1, 'g1')).map((m) => m.memberId)).toEqual(['u1']);
    });

    describe('members added by a unit must exist when it commits', () => {
      const asUser = (memberId: string) => ({ memberId, memberType: 'User' });
      const membersOfG1 = async () =>
        (await sut.memberships.membersOf(T1, 'g1')).map((m) => m.memberId).sort();

      beforeEach(async () => {
        await sut.resources.commit(T1, { insert: group('g1', 'Sales'), journal: [] });
        await sut.resources.commit(T1, { insert: user('u1', 'alice'), journal: [] });
        await sut.resources.commit(T1, { insert: user('u2', 'bob'), journal: [] });
        await write.addMembers(T1, 'g1', [asUser('u1')]);
      });

      /** A replace of g1 (rev 1 → 2) that removes every member and adds these, with its journal entry. */
      const replacingMembers = (add: { memberId: string; memberType: string }[]): WriteUnit => ({
        replace: { doc: group('g1', 'Renamed', 2), expectedRev: 1 },
        memberships: { groupId: 'g1', removeAll: true, add },
        journal: [entry('replace', 'g1', { resourceType: 'Group', changedAttributes: ['members'] })],
      });

      it('refuses the whole unit with 400 invalidValue naming the missing member', async () => {
        const error = await sut.resources.commit(T1, replacingMembers([asUser('u2'), asUser('ghost')])).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ScimError);
        const { status, scimType, message } = error as ScimError;
        expect([status, scimType, message]).toEqual([
          400,
          'invalidValue',
          'members: no User or Group with id "ghost"',
        ]);
      });

      it('writes nothing of a refused unit: document, memberships and journal stay as they were', async () => {
        await sut.resources
          .commit(T1, replacingMembers([asUser('u2'), asUser('ghost')]))
          .catch(() => undefined);
        const doc = await sut.resources.findById(T1, 'Group', 'g1');
        expect([doc?._rev, doc?.displayName, await membersOfG1(), await seqsOf(T1)]).toEqual([
          1,
          'Sales',
          ['u1'],
          [],
        ]);
      });

      it('refuses to create a group with a missing member, and creates nothing', async () => {
        const refused = await sut.resources
          .commit(T1, {
            insert: group('g2', 'Support'),
            memberships: { groupId: 'g2', add: [asUser('u1'), asUser('ghost')] },
            journal: [entry('create', 'g2', { resourceType: 'Group' })],
          })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect((refused as ScimError).status).toBe(400);
        expect([
          await sut.resources.findById(T1, 'Group', 'g2'),
          await sut.memberships.membersOf(T1, 'g2'),
          await seqsOf(T1),
        ]).toEqual([null, [], []]);
      });

      it('refuses a member deleted after the caller checked it', async () => {
        await sut.resources.commit(T1, { delete: { resourceType: 'User', id: 'u2' }, journal: [] });
        await expect(sut.resources.commit(T1, replacingMembers([asUser('u2')]))).rejects.toMatchObject({
          status: 400,
        });
        expect(await sut.memberships.groupsWithMember(T1, ['u2'])).toEqual([]);
      });

      it('refuses a member of another tenant', async () => {
        await sut.resources.commit(T2, { insert: user('x1', 'xavier', 1, T2), journal: [] });
        await expect(sut.resources.commit(T1, replacingMembers([asUser('x1')]))).rejects.toMatchObject({
          status: 400,
        });
      });

      it('refuses a member that is no resource of its memberType', async () => {
        const unit = replacingMembers([{ memberId: 'u1', memberType: 'Group' }]);
        await expect(sut.resources.commit(T1, unit)).rejects.toMatchObject({ status: 400 });
      });

      it('accepts existing users and groups as members', async () => {
        await sut.resources.commit(T1, { insert: group('g2', 'Support'), journal: [] });
        const result = await sut.resources.commit(
          T1,
          replacingMembers([asUser('u2'), { memberId: 'g2', memberType: 'Group' }]),
        );
        expect([result.applied, await membersOfG1()]).toEqual([true, ['g2', 'u2']]);
      });

      it('leaves the added members themselves as they were (no revision, no extra field)', async () => {
        await sut.resources.commit(T1, replacingMembers([asUser('u2')]));
        expect(await sut.resources.findById(T1, 'User', 'u2')).toEqual(user('u2', 'bob'));
      });

      it('checks the compare-and-swap first: a stale unit with a missing member is not applied, not refused', async () => {
        const unit = {
          ...replacingMembers([asUser('ghost')]),
          replace: { doc: group('g1', 'X', 9), expectedRev: 8 },
        };
        expect(await sut.resources.commit(T1, unit)).toEqual({ applied: false, journalSeqs: [] });
      });

      it('never keeps a membership of a member deleted concurrently', async () => {
        const n = 10;
        for (let i = 0; i < n; i++) {
          await sut.resources.commit(T1, { insert: user(`r${i}`, `racer${i}`), journal: [] });
          await sut.resources.commit(T1, { insert: group(`rg${i}`, `race group ${i}`), journal: [] });
        }
        const outcomes = await Promise.allSettled(
          Array.from({ length: n }, (_, i) => [
            sut.resources.commit(T1, {
              replace: { doc: group(`rg${i}`, `race group ${i}`, 2), expectedRev: 1 },
              memberships: { groupId: `rg${i}`, add: [asUser(`r${i}`)] },
              journal: [],
            }),
            sut.resources.commit(T1, { delete: { resourceType: 'User', id: `r${i}` }, journal: [] }),
          ]).flat(),
        );
        // Each group commit either went first (and the delete then removed the membership) or was refused.
        const failures = outcomes.flatMap((o) =>
          o.status === 'rejected' ? [(o.reason as ScimError).status] : [],
        );
        expect(failures.every((status) => status === 400)).toBe(true);
        const racers = Array.from({ length: n }, (_, i) => `r${i}`);
        expect([
          await sut.memberships.groupsWithMember(T1, racers),
          await sut.resources.existingIds(T1, 'User', racers),
        ]).toEqual([[], new Set()]);
      });
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

    it('commits a unit that holds only a journal entry (an admin action)', async () => {
      const admin = entry('admin', 'sub-1', {
        resourceType: 'Subscription',
        adminAction: 'subscription.created',
        version: undefined,
      });

      const result = await sut.resources.commit(T1, { journal: [admin] });

      expect(result).toEqual({ applied: true, journalSeqs: [1] });
      expect(await sut.journal.read(T1, 0, 10)).toEqual([{ ...admin, tenantId: T1, seq: 1 }]);
    });

    it('tells the last seq of each tenant (0 without entries)', async () => {
      await sut.resources.commit(T1, { journal: [entry('admin', 'a'), entry('admin', 'b')] });
      await sut.resources.commit(T2, { journal: [entry('admin', 'c')] });

      await expect(
        Promise.all([sut.journal.lastSeq(T1), sut.journal.lastSeq(T2), sut.journal.lastSeq('none')]),
      ).resolves.toEqual([2, 1, 0]);
    });
  });
}
