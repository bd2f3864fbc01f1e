/**
 * The store contract (architecture §4): one suite, run against every adapter that is available, so that the
 * embedded store and MongoDB are interchangeable. Queries are written the way the filter compiler emits them
 * (MongoDB query documents over the storage shape of src/scim/document/resource-document.ts). Every write goes
 * through ResourceRepository.commit(), the only write of the ports (writes-through-commit.ts).
 */
import { ScimError } from '../../src/scim/errors';
import { foldedOrderPattern } from '../../src/scim/filter/folded-order';
import { TenantRecord, TokenRecord } from '../../src/store/ports';
import { lookupShadows, ResourceDocument, versionTag } from '../../src/scim/document/resource-document';
import { StoreAdapters } from '../../src/store/store-query.util';
import { BADGE_KEY, BADGE_SCHEMA } from './contract-model';
import { writesThroughCommit } from './writes-through-commit';

export interface StoreHarness {
  /** Opens the store on its storage; called again after a close, it must see the same data. */
  open(): Promise<StoreAdapters>;
  /** Removes the storage; the store has been closed before. */
  destroy(): Promise<void>;
}

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const T1 = 'tenant-one';
const T2 = 'tenant-two';

function resource(
  tenant: string,
  type: 'User' | 'Group',
  id: string,
  attributes: Record<string, unknown>,
  rev = 1,
): ResourceDocument {
  const at = '2024-01-01T00:00:00.000Z';
  return {
    _tenant: tenant,
    _type: type,
    _rev: rev,
    _ci: lookupShadows(attributes),
    id,
    schemas: [type === 'User' ? USER_SCHEMA : GROUP_SCHEMA],
    meta: { resourceType: type, created: at, lastModified: at, version: versionTag(id, rev) },
    ...attributes,
  };
}

const user = (id: string, userName: string, extra: Record<string, unknown> = {}, tenant = T1) =>
  resource(tenant, 'User', id, { userName, ...extra });
const group = (id: string, displayName: string, tenant = T1) =>
  resource(tenant, 'Group', id, { displayName });

/** Resolves with the ScimError a promise rejects with (fails the test when it resolves). */
async function scimErrorOf(promise: Promise<unknown>): Promise<ScimError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScimError);
  return error as ScimError;
}

const ids = (docs: { id: string }[]) => docs.map((d) => d.id);
const byMember = (a: { memberId: string }, b: { memberId: string }) => (a.memberId < b.memberId ? -1 : 1);
const byGroup = (a: { groupId: string }, b: { groupId: string }) => (a.groupId < b.groupId ? -1 : 1);
const ALL = { skip: 0, limit: 1000 };

export function describeRepositoryContract(name: string, createHarness: () => StoreHarness): void {
  describe(name, () => {
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

    async function reopen(): Promise<void> {
      await sut.health.close();
      sut = await harness.open();
    }

    describe('ResourceRepository.commit (insert) / findById', () => {
      it('returns an inserted document unchanged', async () => {
        const doc = user('u1', 'Alice', { name: { givenName: 'Alice', familyName: 'Smith' }, active: true });
        await write.insert(T1, doc);
        expect(await sut.resources.findById(T1, 'User', 'u1')).toEqual(doc);
      });

      it('returns null for an unknown id', async () => {
        expect(await sut.resources.findById(T1, 'User', 'nope')).toBeNull();
      });

      it('does not find a document through another tenant', async () => {
        await write.insert(T1, user('u1', 'alice'));
        expect(await sut.resources.findById(T2, 'User', 'u1')).toBeNull();
      });

      it('does not find a document through another resource type', async () => {
        await write.insert(T1, user('u1', 'alice'));
        expect(await sut.resources.findById(T1, 'Group', 'u1')).toBeNull();
      });

      it('is not affected by later changes to the inserted or returned objects', async () => {
        const doc = user('u1', 'alice', { name: { givenName: 'Alice' } });
        await write.insert(T1, doc);
        (doc.name as { givenName: string }).givenName = 'Mallory';
        const found = (await sut.resources.findById(T1, 'User', 'u1'))!;
        // Read documents are read-only (ports.ts): a copy (MongoDB) or frozen (embedded, which throws).
        attempt(() => ((found.name as { givenName: string }).givenName = 'Eve'));
        expect((await sut.resources.findById(T1, 'User', 'u1'))!.name).toEqual({ givenName: 'Alice' });
      });

      it('refuses a userName that differs only in case with 409 uniqueness', async () => {
        await write.insert(T1, user('u1', 'Alice@Example.com'));
        const error = await scimErrorOf(write.insert(T1, user('u2', 'alice@example.COM')));
        expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
        expect(await sut.resources.findById(T1, 'User', 'u2')).toBeNull();
      });

      it('allows the same userName in two tenants', async () => {
        await write.insert(T1, user('u1', 'alice'));
        await write.insert(T2, user('u2', 'alice', {}, T2));
        expect(await sut.resources.findById(T2, 'User', 'u2')).not.toBeNull();
      });

      it('refuses a Group displayName that differs only in case with 409 uniqueness', async () => {
        await write.insert(T1, group('g1', 'Sales'));
        const error = await scimErrorOf(write.insert(T1, group('g2', 'SALES')));
        expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
      });

      it('allows two Users with the same displayName (not a unique key of User)', async () => {
        await write.insert(T1, user('u1', 'a', { displayName: 'Sam' }));
        await write.insert(T1, user('u2', 'b', { displayName: 'Sam' }));
        expect(await sut.resources.existingIds(T1, 'User', ['u1', 'u2'])).toEqual(new Set(['u1', 'u2']));
      });

      it('allows a Group whose displayName equals a userName', async () => {
        await write.insert(T1, user('u1', 'sales'));
        await write.insert(T1, group('g1', 'Sales'));
        expect(await sut.resources.findById(T1, 'Group', 'g1')).not.toBeNull();
      });

      it('refuses a second document with the same id with 409 uniqueness', async () => {
        await write.insert(T1, user('u1', 'alice'));
        const error = await scimErrorOf(write.insert(T1, user('u1', 'bob')));
        expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
        expect((await sut.resources.findById(T1, 'User', 'u1'))!.userName).toBe('alice');
      });
    });

    describe('unique extension attributes (the DocumentModel of CONTRACT_MODEL)', () => {
      const badge = (values: Record<string, unknown>) => ({
        schemas: [USER_SCHEMA, BADGE_SCHEMA],
        [BADGE_KEY]: values,
      });
      const badged = (id: string, values: Record<string, unknown>, tenant = T1) =>
        resource(tenant, 'User', id, { userName: id, ...badge(values) });

      it('refuses a second User with the same badgeCode, differing only in case, with 409 naming the attribute', async () => {
        await write.insert(T1, badged('u1', { badgeCode: 'B-1' }));
        const error = await scimErrorOf(write.insert(T1, badged('u2', { badgeCode: 'b-1' })));
        expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
        expect(error.message).toContain(`${BADGE_SCHEMA}:badgeCode`);
        expect(await sut.resources.findById(T1, 'User', 'u2')).toBeNull();
      });

      it('compares a caseExact unique attribute exactly: "K-1" and "k-1" are two values', async () => {
        await write.insert(T1, badged('u1', { deskKey: 'K-1' }));
        await write.insert(T1, badged('u2', { deskKey: 'k-1' }));
        const error = await scimErrorOf(write.insert(T1, badged('u3', { deskKey: 'K-1' })));
        expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
      });

      it('enforces a unique integer attribute', async () => {
        await write.insert(T1, badged('u1', { badgeNumber: 42 }));
        await write.insert(T1, badged('u2', { badgeNumber: 43 }));
        const error = await scimErrorOf(write.insert(T1, badged('u3', { badgeNumber: 42 })));
        expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
      });

      it('allows many Users without the attribute and the same value in two tenants', async () => {
        await write.insert(T1, user('u1', 'a'));
        await write.insert(T1, user('u2', 'b'));
        await write.insert(T1, badged('u3', { badgeCode: 'B-1' }));
        await write.insert(T2, badged('u4', { badgeCode: 'B-1' }, T2));
        expect(await sut.resources.existingIds(T1, 'User', ['u1', 'u2', 'u3'])).toEqual(
          new Set(['u1', 'u2', 'u3']),
        );
        expect(await sut.resources.findById(T2, 'User', 'u4')).not.toBeNull();
      });

      it('leaves attributes that are not unique alone', async () => {
        await write.insert(T1, badged('u1', { floor: '3' }));
        await write.insert(T1, badged('u2', { floor: '3' }));
        expect(await sut.resources.existingIds(T1, 'User', ['u1', 'u2'])).toEqual(new Set(['u1', 'u2']));
      });

      it("refuses a replace that takes another User's value and keeps the document", async () => {
        await write.insert(T1, badged('u1', { badgeCode: 'B-1' }));
        await write.insert(T1, badged('u2', { badgeCode: 'B-2' }));
        const next = { ...badged('u2', { badgeCode: 'B-1' }), _rev: 2 };
        const error = await scimErrorOf(write.replace(T1, next, 1));
        expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
        expect((await sut.resources.findById(T1, 'User', 'u2'))![BADGE_KEY]).toEqual({ badgeCode: 'B-2' });
      });

      it('frees the value when its holder is deleted or gives it up', async () => {
        await write.insert(T1, badged('u1', { badgeCode: 'B-1' }));
        await write.insert(T1, badged('u2', { badgeCode: 'B-2' }));
        await write.delete(T1, 'User', 'u1');
        await write.insert(T1, badged('u3', { badgeCode: 'B-1' }));
        expect(await write.replace(T1, { ...badged('u2', { badgeCode: 'B-9' }), _rev: 2 }, 1)).toBe(true);
        await write.insert(T1, badged('u4', { badgeCode: 'B-2' }));
        expect(await sut.resources.existingIds(T1, 'User', ['u3', 'u4'])).toEqual(new Set(['u3', 'u4']));
      });

      it('still enforces it after a reopen', async () => {
        await write.insert(T1, badged('u1', { badgeCode: 'B-1' }));
        await reopen();
        const error = await scimErrorOf(write.insert(T1, badged('u2', { badgeCode: 'B-1' })));
        expect(error.scimType).toBe('uniqueness');
      });
    });

    describe('ResourceRepository.commit (replace)', () => {
      it('replaces the document when the expected revision matches', async () => {
        await write.insert(T1, user('u1', 'alice'));
        const next = user('u1', 'alice', { title: 'Boss' }, T1);
        next._rev = 2;
        expect(await write.replace(T1, next, 1)).toBe(true);
        expect(await sut.resources.findById(T1, 'User', 'u1')).toEqual(next);
      });

      it('returns false and keeps the document when the revision is stale', async () => {
        await write.insert(T1, resource(T1, 'User', 'u1', { userName: 'alice' }, 3));
        const stale = resource(T1, 'User', 'u1', { userName: 'mallory' }, 3);
        expect(await write.replace(T1, stale, 2)).toBe(false);
        expect((await sut.resources.findById(T1, 'User', 'u1'))!.userName).toBe('alice');
      });

      it('lets only the first of two writers holding the same revision win', async () => {
        await write.insert(T1, user('u1', 'alice'));
        const a = resource(T1, 'User', 'u1', { userName: 'alice', title: 'A' }, 2);
        const b = resource(T1, 'User', 'u1', { userName: 'alice', title: 'B' }, 2);
        expect([await write.replace(T1, a, 1), await write.replace(T1, b, 1)]).toEqual([true, false]);
      });

      it('returns false for a document that does not exist', async () => {
        expect(await write.replace(T1, user('ghost', 'ghost'), 1)).toBe(false);
      });

      it('returns false for a document of another tenant', async () => {
        await write.insert(T2, user('u1', 'alice', {}, T2));
        expect(await write.replace(T1, user('u1', 'alice'), 1)).toBe(false);
      });

      it('refuses to take a userName used by another User with 409 uniqueness', async () => {
        await write.insert(T1, user('u1', 'alice'));
        await write.insert(T1, user('u2', 'bob'));
        const error = await scimErrorOf(
          write.replace(T1, resource(T1, 'User', 'u2', { userName: 'ALICE' }, 2), 1),
        );
        expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
        expect((await sut.resources.findById(T1, 'User', 'u2'))!.userName).toBe('bob');
      });

      it('allows a document to change the case of its own userName', async () => {
        await write.insert(T1, user('u1', 'alice'));
        expect(await write.replace(T1, resource(T1, 'User', 'u1', { userName: 'Alice' }, 2), 1)).toBe(true);
      });

      it('frees the old userName for others after a rename', async () => {
        await write.insert(T1, user('u1', 'alice'));
        await write.replace(T1, resource(T1, 'User', 'u1', { userName: 'alicia' }, 2), 1);
        await write.insert(T1, user('u2', 'Alice'));
        expect(await sut.resources.findById(T1, 'User', 'u2')).not.toBeNull();
      });
    });

    describe('ResourceRepository.commit (delete)', () => {
      it('removes the document and returns true', async () => {
        await write.insert(T1, user('u1', 'alice'));
        expect(await write.delete(T1, 'User', 'u1')).toBe(true);
        expect(await sut.resources.findById(T1, 'User', 'u1')).toBeNull();
      });

      it('returns false for a document that does not exist', async () => {
        expect(await write.delete(T1, 'User', 'nope')).toBe(false);
      });

      it('does not delete the document of another tenant', async () => {
        await write.insert(T1, user('u1', 'alice'));
        expect(await write.delete(T2, 'User', 'u1')).toBe(false);
        expect(await sut.resources.findById(T1, 'User', 'u1')).not.toBeNull();
      });

      it('removes the memberships of a deleted member', async () => {
        await write.insert(T1, user('u1', 'alice'));
        await write.insert(T1, user('u2', 'bob'));
        await write.addMembers(T1, 'g1', [
          { memberId: 'u1', memberType: 'User' },
          { memberId: 'u2', memberType: 'User' },
        ]);
        await write.addMembers(T1, 'g2', [{ memberId: 'u1', memberType: 'User' }]);
        await write.delete(T1, 'User', 'u1');
        expect(await sut.memberships.groupsWithMember(T1, ['u1'])).toEqual([]);
        expect(ids((await sut.memberships.membersOf(T1, 'g1')).map((m) => ({ id: m.memberId })))).toEqual([
          'u2',
        ]);
      });

      it('removes the memberships of a deleted group', async () => {
        await write.insert(T1, group('g1', 'Sales'));
        await write.insert(T1, user('u1', 'alice'));
        await write.addMembers(T1, 'g1', [{ memberId: 'u1', memberType: 'User' }]);
        await write.addMembers(T1, 'g2', [{ memberId: 'u1', memberType: 'User' }]);
        await write.delete(T1, 'Group', 'g1');
        expect(await sut.memberships.membersOf(T1, 'g1')).toEqual([]);
        expect((await sut.memberships.groupsWithMember(T1, ['u1'])).map((m) => m.groupId)).toEqual(['g2']);
      });

      it('frees the userName for reuse', async () => {
        await write.insert(T1, user('u1', 'alice'));
        await write.delete(T1, 'User', 'u1');
        await write.insert(T1, user('u2', 'ALICE'));
        expect(await sut.resources.findById(T1, 'User', 'u2')).not.toBeNull();
      });
    });

    describe('ResourceRepository.find', () => {
      beforeEach(async () => {
        const docs = [
          user('u3', 'Carol', {
            externalId: 'ext-C',
            name: { familyName: 'Smith', givenName: 'Carol' },
            emails: [
              { value: 'carol@work.example', type: 'work', primary: true },
              { value: 'Carol@Home.example', type: 'home' },
            ],
            active: true,
            meta: {
              resourceType: 'User',
              created: '2024-03-01T00:00:00.000Z',
              lastModified: '2024-03-01T00:00:00.000Z',
              version: 'W/"1"',
            },
          }),
          user('u1', 'alice', {
            externalId: 'ext-a',
            name: { familyName: 'Jones', givenName: 'Alice' },
            emails: [
              { value: 'zed@home.example', type: 'home' },
              { value: 'alice@work.example', type: 'work', primary: true },
            ],
            active: false,
          }),
          user('u2', 'Bob', {
            name: { familyName: 'Smith', givenName: 'Bob' },
            emails: [{ value: 'bob@work.example', type: 'work' }],
            active: true,
          }),
          user('u4', 'dave', { active: true }),
          user('u9', 'other-tenant', { name: { familyName: 'Smith' } }, T2),
        ];
        for (const doc of docs) await write.insert(doc._tenant, doc);
        await write.insert(T1, group('g1', 'Smith'));
      });

      it('returns every document of the type in the tenant, ordered by id, with the total', async () => {
        const result = await sut.resources.find(T1, 'User', {}, ALL);
        expect([result.totalResults, ids(result.resources)]).toEqual([4, ['u1', 'u2', 'u3', 'u4']]);
      });

      it('returns nothing for a tenant without documents', async () => {
        expect(await sut.resources.find('empty-tenant', 'User', {}, ALL)).toEqual({
          totalResults: 0,
          resources: [],
        });
      });

      it('matches a case-insensitive equality through the _ci shadow', async () => {
        const result = await sut.resources.find(T1, 'User', { '_ci.userName': 'carol' }, ALL);
        expect(ids(result.resources)).toEqual(['u3']);
      });

      it('matches externalId case-exactly', async () => {
        expect(ids((await sut.resources.find(T1, 'User', { externalId: 'ext-C' }, ALL)).resources)).toEqual([
          'u3',
        ]);
        expect((await sut.resources.find(T1, 'User', { externalId: 'ext-c' }, ALL)).totalResults).toBe(0);
      });

      it('matches any of several emails through the multi-valued _ci.emails shadow', async () => {
        const result = await sut.resources.find(T1, 'User', { '_ci.emails': 'carol@home.example' }, ALL);
        expect(ids(result.resources)).toEqual(['u3']);
      });

      it('matches a case-insensitive regex (co / sw / ew)', async () => {
        const result = await sut.resources.find(
          T1,
          'User',
          { userName: { $regex: '^(a|c)', $options: 'i' } },
          ALL,
        );
        expect(ids(result.resources)).toEqual(['u1', 'u3']);
      });

      it('matches a RegExp object', async () => {
        const result = await sut.resources.find(T1, 'User', { 'name.givenName': /^b/i }, ALL);
        expect(ids(result.resources)).toEqual(['u2']);
      });

      it('matches a value path with $elemMatch on the same element', async () => {
        const query = {
          emails: { $elemMatch: { type: 'work', value: { $regex: '^carol', $options: 'i' } } },
        };
        expect(ids((await sut.resources.find(T1, 'User', query, ALL)).resources)).toEqual(['u3']);
        const crossElement = { emails: { $elemMatch: { type: 'home', value: { $regex: '^alice' } } } };
        expect((await sut.resources.find(T1, 'User', crossElement, ALL)).totalResults).toBe(0);
      });

      it('combines conditions with $and', async () => {
        const query = { $and: [{ 'name.familyName': 'Smith' }, { active: true }, { '_ci.userName': 'bob' }] };
        expect(ids((await sut.resources.find(T1, 'User', query, ALL)).resources)).toEqual(['u2']);
      });

      it('combines conditions with $or', async () => {
        const query = { $or: [{ '_ci.userName': 'alice' }, { externalId: 'ext-C' }] };
        expect(ids((await sut.resources.find(T1, 'User', query, ALL)).resources)).toEqual(['u1', 'u3']);
      });

      it('combines an indexed and an unindexed branch with $or', async () => {
        const query = { $or: [{ '_ci.userName': 'alice' }, { 'name.givenName': 'Bob' }] };
        expect(ids((await sut.resources.find(T1, 'User', query, ALL)).resources)).toEqual(['u1', 'u2']);
      });

      it('negates with $nor', async () => {
        const query = { $nor: [{ active: true }] };
        expect(ids((await sut.resources.find(T1, 'User', query, ALL)).resources)).toEqual(['u1']);
      });

      it('matches ids with $in', async () => {
        const query = { id: { $in: ['u4', 'u2', 'u9', 'missing'] } };
        expect(ids((await sut.resources.find(T1, 'User', query, ALL)).resources)).toEqual(['u2', 'u4']);
      });

      it('tests presence with $exists', async () => {
        const query = { externalId: { $exists: true } };
        expect(ids((await sut.resources.find(T1, 'User', query, ALL)).resources)).toEqual(['u1', 'u3']);
      });

      it('compares dateTime strings with $gt', async () => {
        const query = { 'meta.lastModified': { $gt: '2024-02-01T00:00:00.000Z' } };
        expect(ids((await sut.resources.find(T1, 'User', query, ALL)).resources)).toEqual(['u3']);
      });

      it('never returns documents of another tenant or type', async () => {
        const result = await sut.resources.find(T1, 'User', { 'name.familyName': 'Smith' }, ALL);
        expect(ids(result.resources)).toEqual(['u2', 'u3']);
      });

      it('sorts ascending by a field, ties by id, missing values last', async () => {
        const sort = { field: 'name.familyName', direction: 1 as const };
        const result = await sut.resources.find(T1, 'User', {}, { ...ALL, sort });
        expect(ids(result.resources)).toEqual(['u1', 'u2', 'u3', 'u4']);
      });

      it('sorts descending by a field, ties by id ascending, missing values first', async () => {
        const sort = { field: 'name.familyName', direction: -1 as const };
        const result = await sut.resources.find(T1, 'User', {}, { ...ALL, sort });
        expect(ids(result.resources)).toEqual(['u4', 'u2', 'u3', 'u1']);
      });

      it('sorts by a _ci shadow for a case-insensitive order', async () => {
        const sort = { field: '_ci.userName', direction: 1 as const };
        const result = await sut.resources.find(T1, 'User', {}, { ...ALL, sort });
        expect(ids(result.resources)).toEqual(['u1', 'u2', 'u3', 'u4']);
      });

      it('sorts a multi-valued attribute by its primary value, else its first', async () => {
        const sort = { field: 'emails.value', direction: 1 as const };
        const result = await sut.resources.find(T1, 'User', {}, { ...ALL, sort });
        expect(ids(result.resources)).toEqual(['u1', 'u2', 'u3', 'u4']);
      });

      it('sorts the matches of a filter', async () => {
        const sort = { field: 'userName', direction: -1 as const };
        const result = await sut.resources.find(T1, 'User', { active: true }, { ...ALL, sort });
        expect(ids(result.resources)).toEqual(['u4', 'u3', 'u2']);
      });

      it('pages with skip and limit and reports the total of all matches', async () => {
        const result = await sut.resources.find(T1, 'User', {}, { skip: 1, limit: 2 });
        expect([result.totalResults, ids(result.resources)]).toEqual([4, ['u2', 'u3']]);
      });

      it('pages a filtered and sorted result', async () => {
        const sort = { field: 'userName', direction: 1 as const };
        const result = await sut.resources.find(T1, 'User', { active: true }, { skip: 1, limit: 1, sort });
        expect([result.totalResults, ids(result.resources)]).toEqual([3, ['u3']]);
      });

      it('sorts the current documents after an insert, a replace moving a document and a delete', async () => {
        // Asked twice before each write, so that a cached order (embedded store) is in place when it happens.
        const sorted = async (sort: { field: string; direction: 1 | -1; caseInsensitive?: boolean }) => {
          await sut.resources.find(T1, 'User', {}, { skip: 0, limit: 1, sort });
          return ids((await sut.resources.find(T1, 'User', {}, { ...ALL, sort })).resources);
        };
        const byName = { field: '_ci.userName', direction: 1 as const };
        const byTitle = { field: 'title', direction: -1 as const, caseInsensitive: true };
        expect([await sorted(byName), await sorted(byTitle)]).toEqual([
          ['u1', 'u2', 'u3', 'u4'],
          ['u1', 'u2', 'u3', 'u4'],
        ]);
        await write.insert(T1, user('u0', 'Zoe', { title: 'b' }));
        expect([await sorted(byName), await sorted(byTitle)]).toEqual([
          ['u1', 'u2', 'u3', 'u4', 'u0'],
          ['u1', 'u2', 'u3', 'u4', 'u0'],
        ]);
        const moved = user('u1', 'Yves', { title: 'A' });
        moved._rev = 2;
        expect(await write.replace(T1, moved, 1)).toBe(true);
        expect([await sorted(byName), await sorted(byTitle)]).toEqual([
          ['u2', 'u3', 'u4', 'u1', 'u0'],
          ['u2', 'u3', 'u4', 'u0', 'u1'],
        ]);
        expect(await write.delete(T1, 'User', 'u3')).toBe(true);
        expect([await sorted(byName), await sorted(byTitle)]).toEqual([
          ['u2', 'u4', 'u1', 'u0'],
          ['u2', 'u4', 'u0', 'u1'],
        ]);
      });

      it('returns an empty page past the end, with the total', async () => {
        const result = await sut.resources.find(T1, 'User', {}, { skip: 10, limit: 5 });
        expect(result).toEqual({ totalResults: 4, resources: [] });
      });

      it('returns only the total when limit is 0', async () => {
        const result = await sut.resources.find(T1, 'User', { active: true }, { skip: 0, limit: 0 });
        expect(result).toEqual({ totalResults: 3, resources: [] });
      });

      it('loads only the requested fields, plus id, schemas and meta', async () => {
        const result = await sut.resources.find(
          T1,
          'User',
          { id: 'u3' },
          { ...ALL, fields: ['name.givenName', 'emails.type'] },
        );
        const [doc] = result.resources;
        expect(doc.name).toEqual({ givenName: 'Carol' });
        expect(doc.emails).toEqual([{ type: 'work' }, { type: 'home' }]);
        expect([doc.id, doc.schemas, doc.meta.resourceType, doc.userName]).toEqual([
          'u3',
          [USER_SCHEMA],
          'User',
          undefined,
        ]);
      });

      it('returns documents that cannot change the store', async () => {
        const [doc] = (await sut.resources.find(T1, 'User', { id: 'u4' }, ALL)).resources;
        attempt(() => (doc.userName = 'changed'));
        expect((await sut.resources.findById(T1, 'User', 'u4'))!.userName).toBe('dave');
      });

      describe('without regard to case (caseExact=false, RFC 7644 §3.4.2.2, §3.4.2.3)', () => {
        const T3 = 'tenant-three';
        beforeEach(async () => {
          const titles: [string, string | number | undefined][] = [
            ['t1', 'bob'],
            ['t2', 'Carol'],
            ['t3', 'adam'],
            ['t4', 'BOB'],
            ['t5', 'Zed'],
            ['t6', undefined],
            ['t7', 7],
          ];
          for (const [id, title] of titles) {
            const extra = title === undefined ? {} : { title };
            await write.insert(T3, user(id, `user-${id}`, extra, T3));
          }
        });

        it('sorts ascending by folded strings, ties by id, other types first, missing last', async () => {
          const sort = { field: 'title', direction: 1 as const, caseInsensitive: true };
          const result = await sut.resources.find(T3, 'User', {}, { ...ALL, sort });
          expect(ids(result.resources)).toEqual(['t7', 't3', 't1', 't4', 't2', 't5', 't6']);
        });

        it('sorts descending by folded strings, ties by id ascending, missing first', async () => {
          const sort = { field: 'title', direction: -1 as const, caseInsensitive: true };
          const result = await sut.resources.find(T3, 'User', {}, { ...ALL, sort });
          expect(ids(result.resources)).toEqual(['t6', 't5', 't2', 't1', 't4', 't3', 't7']);
        });

        it('pages a case-insensitive sort', async () => {
          const sort = { field: 'title', direction: 1 as const, caseInsensitive: true };
          const result = await sut.resources.find(T3, 'User', {}, { skip: 2, limit: 2, sort });
          expect(ids(result.resources)).toEqual(['t1', 't4']);
        });

        it('runs the folded-order regex of the filter compiler alike (title gt "b", title le "BOB")', async () => {
          const gt = { title: { $regex: foldedOrderPattern('gt', 'b') } };
          const le = { title: { $regex: foldedOrderPattern('le', 'BOB') } };
          expect(ids((await sut.resources.find(T3, 'User', gt, ALL)).resources)).toEqual([
            't1',
            't2',
            't4',
            't5',
          ]);
          expect(ids((await sut.resources.find(T3, 'User', le, ALL)).resources)).toEqual(['t1', 't3', 't4']);
        });
      });
    });

    describe('ResourceRepository.existingIds', () => {
      it('returns the ids that exist in this tenant and type', async () => {
        await write.insert(T1, user('u1', 'alice'));
        await write.insert(T1, group('g1', 'Sales'));
        await write.insert(T2, user('u2', 'bob', {}, T2));
        expect(await sut.resources.existingIds(T1, 'User', ['u1', 'u2', 'g1', 'x'])).toEqual(new Set(['u1']));
      });
    });

    describe('MembershipRepository', () => {
      const alice = { memberId: 'u1', memberType: 'User' };
      const bob = { memberId: 'u2', memberType: 'User' };
      const team = { memberId: 'g9', memberType: 'Group' };

      // Added members must exist when the unit commits (see the journal contract), in each tenant they join.
      beforeEach(async () => {
        for (const tenant of [T1, T2]) {
          await write.insert(tenant, user('u1', 'alice', {}, tenant));
          await write.insert(tenant, user('u2', 'bob', {}, tenant));
          await write.insert(tenant, group('g9', 'Team', tenant));
        }
      });

      it('adds members', async () => {
        await write.addMembers(T1, 'g1', [alice, bob, team]);
        expect((await sut.memberships.membersOf(T1, 'g1')).sort(byMember)).toEqual([
          { groupId: 'g1', ...team },
          { groupId: 'g1', ...alice },
          { groupId: 'g1', ...bob },
        ]);
      });

      it('is idempotent: existing memberships and members named twice stay single', async () => {
        await write.addMembers(T1, 'g1', [alice]);
        await write.addMembers(T1, 'g1', [alice, bob, bob]);
        expect((await sut.memberships.membersOf(T1, 'g1')).sort(byMember)).toEqual([
          { groupId: 'g1', ...alice },
          { groupId: 'g1', ...bob },
        ]);
      });

      it('removes members, ignoring absent ones', async () => {
        await write.addMembers(T1, 'g1', [alice, bob]);
        await write.removeMembers(T1, 'g1', ['u1', 'nobody']);
        expect(await sut.memberships.membersOf(T1, 'g1')).toEqual([{ groupId: 'g1', ...bob }]);
      });

      it('removes every member of a group', async () => {
        await write.addMembers(T1, 'g1', [alice, bob]);
        await write.addMembers(T1, 'g2', [alice]);
        await write.removeAllMembers(T1, 'g1');
        expect(await sut.memberships.membersOf(T1, 'g1')).toEqual([]);
        expect(await sut.memberships.existingMembers(T1, 'g2', ['u1'])).toEqual(new Set(['u1']));
      });

      it('finds the groups that directly contain any of the given members', async () => {
        await write.addMembers(T1, 'g1', [alice]);
        await write.addMembers(T1, 'g2', [bob]);
        await write.addMembers(T1, 'g3', [team]);
        const found = (await sut.memberships.groupsWithMember(T1, ['u1', 'u2'])).sort(byGroup);
        expect(found).toEqual([
          { groupId: 'g1', ...alice },
          { groupId: 'g2', ...bob },
        ]);
      });

      it('lists the groups that have any member, each once, and no emptied group', async () => {
        await write.addMembers(T1, 'g1', [alice, bob]);
        await write.addMembers(T1, 'g2', [team]);
        await write.addMembers(T1, 'g3', [alice]);
        await write.removeMembers(T1, 'g3', ['u1']);
        await write.addMembers(T2, 'g4', [alice]);
        expect((await sut.memberships.groupIdsWithAnyMember(T1)).sort()).toEqual(['g1', 'g2']);
      });

      it('lists everything that is a member of any group, each once, users and groups alike', async () => {
        await write.addMembers(T1, 'g1', [alice, team]);
        await write.addMembers(T1, 'g2', [alice]);
        await write.addMembers(T1, 'g3', [bob]);
        await write.removeAllMembers(T1, 'g3');
        await write.addMembers(T2, 'g4', [bob]);
        expect((await sut.memberships.memberIdsInAnyGroup(T1)).sort()).toEqual(['g9', 'u1']);
      });

      it('lists no members or groups for a tenant without memberships', async () => {
        await write.addMembers(T1, 'g1', [alice]);
        expect([
          await sut.memberships.groupIdsWithAnyMember(T2),
          await sut.memberships.memberIdsInAnyGroup(T2),
        ]).toEqual([[], []]);
      });

      it('answers which of the given ids are direct members of the group', async () => {
        await write.addMembers(T1, 'g1', [alice, team]);
        await write.addMembers(T1, 'g2', [bob]);
        expect(await sut.memberships.existingMembers(T1, 'g1', ['u1', 'u2', 'g9', 'nobody', 'u1'])).toEqual(
          new Set(['u1', 'g9']),
        );
      });

      it('answers no existing members for no ids, an unknown group or a removed member', async () => {
        await write.addMembers(T1, 'g1', [alice, bob]);
        await write.removeMembers(T1, 'g1', ['u2']);
        expect([
          await sut.memberships.existingMembers(T1, 'g1', []),
          await sut.memberships.existingMembers(T1, 'g404', ['u1']),
          await sut.memberships.existingMembers(T1, 'g1', ['u2']),
        ]).toEqual([new Set(), new Set(), new Set()]);
      });

      it('answers existing members for a group of 2,000 in one call', async () => {
        const many = Array.from({ length: 2000 }, (_, i) => ({ memberId: `m${i}`, memberType: 'User' }));
        for (const m of many.slice(0, 1500)) await write.insert(T1, user(m.memberId, m.memberId));
        await write.addMembers(T1, 'g1', many.slice(0, 1500));
        const asked = many.map((m) => m.memberId);
        const present = await sut.memberships.existingMembers(T1, 'g1', asked);
        expect([present.size, present.has('m1499'), present.has('m1500')]).toEqual([1500, true, false]);
      });

      it('keeps tenants apart', async () => {
        await write.addMembers(T1, 'g1', [alice]);
        expect(await sut.memberships.membersOf(T2, 'g1')).toEqual([]);
        expect(await sut.memberships.existingMembers(T2, 'g1', ['u1'])).toEqual(new Set());
        await write.removeMembers(T2, 'g1', ['u1']);
        expect(await sut.memberships.existingMembers(T1, 'g1', ['u1'])).toEqual(new Set(['u1']));
      });
    });

    describe('TenantRepository', () => {
      const tenant: TenantRecord = {
        id: T1,
        name: 'One',
        disabled: false,
        createdAt: '2024-01-01T00:00:00.000Z',
      };
      const token: TokenRecord = {
        id: 'tok1',
        tenantId: T1,
        label: 'Entra',
        hash: 'a'.repeat(64),
        createdAt: '2024-01-01T00:00:00.000Z',
        revoked: false,
      };

      it('finds an upserted tenant', async () => {
        await sut.tenants.upsertTenant(tenant);
        expect(await sut.tenants.findTenant(T1)).toEqual(tenant);
      });

      it('replaces a tenant on a second upsert', async () => {
        await sut.tenants.upsertTenant(tenant);
        await sut.tenants.upsertTenant({ ...tenant, disabled: true });
        expect((await sut.tenants.findTenant(T1))!.disabled).toBe(true);
      });

      it('returns null for an unknown tenant', async () => {
        expect(await sut.tenants.findTenant('nobody')).toBeNull();
      });

      it('lists tenants ordered by id', async () => {
        await sut.tenants.upsertTenant({ ...tenant, id: 'b' });
        await sut.tenants.upsertTenant({ ...tenant, id: 'a' });
        expect((await sut.tenants.listTenants()).map((t) => t.id)).toEqual(['a', 'b']);
      });

      it('finds a token by its hash', async () => {
        await sut.staticTokens.insertToken(token);
        expect(await sut.staticTokens.findTokenByHash(token.hash)).toEqual(token);
        expect(await sut.staticTokens.findTokenByHash('b'.repeat(64))).toBeNull();
      });

      it('keeps an optional expiry', async () => {
        await sut.staticTokens.insertToken({ ...token, expiresAt: '2030-01-01T00:00:00.000Z' });
        expect((await sut.staticTokens.findTokenByHash(token.hash))!.expiresAt).toBe(
          '2030-01-01T00:00:00.000Z',
        );
      });

      it('refuses a second token with the same hash with 409', async () => {
        await sut.staticTokens.insertToken(token);
        const error = await scimErrorOf(sut.staticTokens.insertToken({ ...token, id: 'tok2' }));
        expect(error.status).toBe(409);
      });

      it('lists the tokens of one tenant', async () => {
        await sut.staticTokens.insertToken(token);
        await sut.staticTokens.insertToken({
          ...token,
          id: 'tok2',
          hash: 'b'.repeat(64),
          createdAt: '2024-02-01T00:00:00.000Z',
        });
        await sut.staticTokens.insertToken({ ...token, id: 'tok3', tenantId: T2, hash: 'c'.repeat(64) });
        expect((await sut.staticTokens.listTokens(T1)).map((t) => t.id)).toEqual(['tok1', 'tok2']);
      });

      it('revokes a token of the tenant', async () => {
        await sut.staticTokens.insertToken(token);
        expect(await sut.staticTokens.revokeToken(T1, 'tok1')).toBe(true);
        expect((await sut.staticTokens.findTokenByHash(token.hash))!.revoked).toBe(true);
      });

      it('does not revoke a token through another tenant', async () => {
        await sut.staticTokens.insertToken(token);
        expect(await sut.staticTokens.revokeToken(T2, 'tok1')).toBe(false);
        expect((await sut.staticTokens.findTokenByHash(token.hash))!.revoked).toBe(false);
      });
    });

    describe('StoreHealth', () => {
      it('answers a ping', async () => {
        await expect(sut.health.ping()).resolves.toBeUndefined();
      });

      it('fails a ping once closed', async () => {
        await sut.health.close();
        await expect(sut.health.ping()).rejects.toBeDefined();
      });
    });

    describe('durability', () => {
      it('keeps resources, memberships, tenants and tokens across close and reopen', async () => {
        const doc = user('u1', 'Alice', { emails: [{ value: 'a@x.example', primary: true }] });
        await write.insert(T1, doc);
        await write.insert(T1, group('g1', 'Sales'));
        await write.addMembers(T1, 'g1', [{ memberId: 'u1', memberType: 'User' }]);
        await sut.tenants.upsertTenant({
          id: T1,
          name: 'One',
          disabled: false,
          createdAt: '2024-01-01T00:00:00.000Z',
        });
        await sut.staticTokens.insertToken({
          id: 't',
          tenantId: T1,
          label: 'l',
          hash: 'h',
          createdAt: 'c',
          revoked: false,
        });
        await reopen();
        expect(await sut.resources.findById(T1, 'User', 'u1')).toEqual(doc);
        expect(await sut.memberships.existingMembers(T1, 'g1', ['u1'])).toEqual(new Set(['u1']));
        expect((await sut.tenants.findTenant(T1))!.name).toBe('One');
        expect((await sut.staticTokens.findTokenByHash('h'))!.id).toBe('t');
      });

      it('serves indexed lookups and enforces uniqueness after a reopen', async () => {
        await write.insert(T1, user('u1', 'Alice', { emails: [{ value: 'A@X.example' }] }));
        await reopen();
        expect(
          ids((await sut.resources.find(T1, 'User', { '_ci.emails': 'a@x.example' }, ALL)).resources),
        ).toEqual(['u1']);
        const error = await scimErrorOf(write.insert(T1, user('u2', 'alice')));
        expect(error.scimType).toBe('uniqueness');
      });

      it('keeps membership changes, and those of a delete, across a reopen', async () => {
        await write.insert(T1, user('u1', 'alice'));
        await write.insert(T1, user('u2', 'bob'));
        await write.insert(T1, user('u3', 'carol'));
        const members = ['u1', 'u2', 'u3'].map((memberId) => ({ memberId, memberType: 'User' }));
        await write.addMembers(T1, 'g1', members);
        await write.addMembers(T1, 'g2', members);
        await write.removeMembers(T1, 'g1', ['u2']);
        await write.removeAllMembers(T1, 'g2');
        await write.delete(T1, 'User', 'u1');
        await reopen();
        expect((await sut.memberships.membersOf(T1, 'g1')).map((m) => m.memberId)).toEqual(['u3']);
        expect([
          await sut.memberships.membersOf(T1, 'g2'),
          await sut.memberships.groupsWithMember(T1, ['u1']),
        ]).toEqual([[], []]);
      });

      it('keeps replacements and deletions across a reopen', async () => {
        await write.insert(T1, user('u1', 'alice'));
        await write.insert(T1, user('u2', 'bob'));
        await write.replace(T1, resource(T1, 'User', 'u1', { userName: 'alicia' }, 2), 1);
        await write.delete(T1, 'User', 'u2');
        await reopen();
        const result = await sut.resources.find(T1, 'User', {}, ALL);
        expect(result.resources.map((d) => [d.id, d.userName, d._rev])).toEqual([['u1', 'alicia', 2]]);
      });
    });
  });
}

/** Tries to change a read document: either it is a copy, or it refuses with a TypeError (frozen). */
function attempt(change: () => void): void {
  try {
    change();
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
}
