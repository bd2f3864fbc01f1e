import { GROUP_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../scim/schema/schema-urns';
import { JournalEntryInput, WriteUnit } from '../store/ports';
import { verifyPassword } from './password.hasher';
import { ResourceWriter } from './resource-writer.service';
import { BASE_URL, ctx, resourceFixture, storedGroup, storedUser, TENANT } from './resource-test.fixtures';

const patchOp = (...operations: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations: operations });
const user = (value: string) => ({ value, type: 'User' });
const GROUP_ID = 'g0000000-0000-4000-8000-000000000001';
const ALICE = 'a0000000-0000-4000-8000-000000000001';
const BOB = 'b0000000-0000-4000-8000-000000000002';
const CAROL = 'c0000000-0000-4000-8000-000000000003';

describe(ResourceWriter.name, () => {
  /** The one unit committed, and its one journal entry. */
  function committed(f: ReturnType<typeof resourceFixture>): { unit: WriteUnit; entry: JournalEntryInput } {
    expect(f.resources.commit).toHaveBeenCalledTimes(1);
    const [tenantId, unit] = f.resources.commit.mock.calls[0];
    expect([tenantId, unit.journal.length]).toEqual([TENANT, 1]);
    return { unit, entry: unit.journal[0] };
  }

  describe('create', () => {
    it('commits the document with its hashed password and an entry whose snapshot never shows it', async () => {
      const f = resourceFixture();
      const sut = f.writer;
      const body = {
        schemas: [USER_SCHEMA],
        userName: 'alice',
        externalId: 'ext-a',
        password: 'S3cret!pass',
      };
      const view = await sut.create(ctx, 'User', body);
      const { unit, entry } = committed(f);
      expect(await verifyPassword('S3cret!pass', unit.insert!._secret!.password!)).toBe(true);
      expect(entry).toEqual({
        time: unit.insert!.meta.lastModified,
        actor: ctx.actor,
        requestId: 'req-1',
        operation: 'create',
        resourceType: 'User',
        resourceId: view.body.id,
        version: view.version,
        changedAttributes: ['userName', 'externalId', 'password'],
        externalId: 'ext-a',
        location: `${BASE_URL}/Users/${view.body.id}`,
        snapshot: view.body,
      });
      expect(JSON.stringify(entry)).not.toContain('S3cret');
      // The answer reuses the snapshot: it must be what the presenter shows for the new user.
      expect(view.body).toEqual((await f.presenter.view(ctx, unit.insert!, {})).body);
      expect(view.body).toMatchObject({ userName: 'alice', externalId: 'ext-a' });
    });

    it('projects the answer anew when attributes are selected', async () => {
      const f = resourceFixture();
      const view = await f.writer.create(
        ctx,
        'User',
        { schemas: [USER_SCHEMA], userName: 'bob' },
        { attributes: 'id' },
      );
      expect([Object.keys(view.body).sort(), Object.keys(committed(f).entry.snapshot!)]).toEqual([
        ['id', 'schemas'],
        expect.arrayContaining(['userName', 'meta']),
      ]);
    });

    it('adds every member of a new group, with their type, and records them all as added', async () => {
      const f = resourceFixture([storedUser(ALICE), storedGroup(GROUP_ID)]);
      const view = await f.writer.create(ctx, 'Group', {
        schemas: [GROUP_SCHEMA],
        displayName: 'Sales',
        members: [{ value: ALICE }, { value: GROUP_ID }],
      });
      const { unit, entry } = committed(f);
      expect(unit.memberships).toEqual({
        groupId: view.body.id,
        add: [
          { memberId: ALICE, memberType: 'User' },
          { memberId: GROUP_ID, memberType: 'Group' },
        ],
      });
      expect([entry.changedAttributes, entry.members]).toEqual([
        ['displayName', 'members'],
        { added: [user(ALICE), { value: GROUP_ID, type: 'Group' }], removed: [] },
      ]);
      expect(entry.snapshot).not.toHaveProperty('members');
      expect(view.body.members).toEqual([]);
    });

    it('refuses an unknown member with 400 and commits nothing', async () => {
      const f = resourceFixture();
      await expect(
        f.writer.create(ctx, 'Group', {
          schemas: [GROUP_SCHEMA],
          displayName: 'G',
          members: [{ value: 'nobody' }],
        }),
      ).rejects.toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect(f.resources.commit).not.toHaveBeenCalled();
    });
  });

  describe('replace', () => {
    it('keeps the stored password hash when the PUT sets none, and lists only what changed', async () => {
      const existing = { ...storedUser(ALICE, { title: 'A' }), _secret: { password: 'scrypt$hash' } };
      const f = resourceFixture([existing]);
      await f.writer.replace(
        ctx,
        'User',
        ALICE,
        { schemas: [USER_SCHEMA], userName: ALICE, title: 'B' },
        undefined,
      );
      const { unit, entry } = committed(f);
      expect([unit.replace!.expectedRev, unit.replace!.doc._secret, entry.changedAttributes]).toEqual([
        1,
        { password: 'scrypt$hash' },
        ['title'],
      ]);
      expect(entry).not.toHaveProperty('members');
    });

    it('records the member delta of a PUT as the difference of the old and the new member set', async () => {
      const f = resourceFixture([
        storedGroup(GROUP_ID),
        storedUser(ALICE),
        storedUser(BOB),
        storedUser(CAROL),
      ]);
      f.memberships.membersOf.mockResolvedValue([
        { groupId: GROUP_ID, memberId: ALICE, memberType: 'User' },
        { groupId: GROUP_ID, memberId: BOB, memberType: 'User' },
      ]);
      const members = [{ value: BOB }, { value: CAROL }];
      await f.writer.replace(
        ctx,
        'Group',
        GROUP_ID,
        { schemas: [GROUP_SCHEMA], displayName: GROUP_ID, members },
        undefined,
      );
      const { unit, entry } = committed(f);
      expect(unit.memberships).toMatchObject({ groupId: GROUP_ID, removeAll: true });
      expect([entry.changedAttributes, entry.members]).toEqual([
        ['members'],
        { added: [user(CAROL)], removed: [user(ALICE)] },
      ]);
    });
  });

  describe('patch', () => {
    it('writes nothing and answers the resource as it is when nothing changes (RFC 7644 §3.5.2.1)', async () => {
      const f = resourceFixture([storedUser(ALICE, { title: 'A' })]);
      const view = await f.writer.patch(
        ctx,
        'User',
        ALICE,
        patchOp({ op: 'replace', path: 'title', value: 'A' }),
        undefined,
      );
      expect([view.version, f.resources.commit.mock.calls.length]).toEqual(['W/"1-a0000000"', 0]);
    });

    it('writes nothing for an add of members already present (an idempotent retry of Entra)', async () => {
      const f = resourceFixture([storedGroup(GROUP_ID), storedUser(ALICE)]);
      f.memberships.existingMembers.mockResolvedValue(new Set([ALICE]));
      await f.writer.patch(
        ctx,
        'Group',
        GROUP_ID,
        patchOp({ op: 'add', path: 'members', value: [{ value: ALICE }] }),
        undefined,
        'none',
      );
      expect(f.resources.commit).not.toHaveBeenCalled();
    });

    it('records as added only members not yet present and as removed only present ones', async () => {
      const f = resourceFixture([
        storedGroup(GROUP_ID),
        storedUser(ALICE),
        storedUser(BOB),
        storedUser(CAROL),
      ]);
      f.memberships.existingMembers.mockResolvedValue(new Set([ALICE, BOB]));
      const body = patchOp(
        { op: 'add', path: 'members', value: [{ value: ALICE }, { value: CAROL }] },
        { op: 'remove', path: 'members', value: [{ value: BOB }, { value: 'never-a-member' }] },
      );
      await f.writer.patch(ctx, 'Group', GROUP_ID, body, undefined, 'none');
      const { unit, entry } = committed(f);
      expect(unit.memberships).toMatchObject({ groupId: GROUP_ID, removeAll: false });
      expect([entry.operation, entry.members]).toEqual([
        'membership',
        { added: [user(CAROL)], removed: [user(BOB)] },
      ]);
      expect(entry.snapshot).not.toHaveProperty('members');
    });

    it('records a replace of all members as the current members removed and the new ones added', async () => {
      const f = resourceFixture([storedGroup(GROUP_ID), storedUser(ALICE), storedUser(BOB)]);
      f.memberships.membersOf.mockResolvedValue([{ groupId: GROUP_ID, memberId: ALICE, memberType: 'User' }]);
      const body = patchOp({ op: 'replace', path: 'members', value: [{ value: BOB }] });
      await f.writer.patch(ctx, 'Group', GROUP_ID, body, undefined, 'none');
      expect(committed(f).entry.members).toEqual({ added: [user(BOB)], removed: [user(ALICE)] });
    });

    it('gives a Group PATCH without member operations an empty delta, and journals a deactivation', async () => {
      const f = resourceFixture([storedGroup(GROUP_ID), storedUser(ALICE, { active: true })]);
      await f.writer.patch(
        ctx,
        'Group',
        GROUP_ID,
        patchOp({ op: 'replace', path: 'displayName', value: 'X' }),
        undefined,
      );
      expect(committed(f).entry.members).toEqual({ added: [], removed: [] });
      f.resources.commit.mockClear();
      await f.writer.patch(
        ctx,
        'User',
        ALICE,
        patchOp({ op: 'replace', path: 'active', value: false }),
        undefined,
      );
      expect([committed(f).entry.operation, committed(f).entry.snapshot?.active]).toEqual([
        'deactivate',
        false,
      ]);
    });

    it('hashes a PATCHed password and lists it as changed', async () => {
      const f = resourceFixture([storedUser(ALICE)]);
      await f.writer.patch(
        ctx,
        'User',
        ALICE,
        patchOp({ op: 'replace', path: 'password', value: 'N3w!pass' }),
        undefined,
      );
      const { unit, entry } = committed(f);
      expect(await verifyPassword('N3w!pass', unit.replace!.doc._secret!.password!)).toBe(true);
      expect(entry.changedAttributes).toEqual(['password']);
    });

    it('refuses a group as its own member with 400', async () => {
      const f = resourceFixture([storedGroup(GROUP_ID)]);
      const body = patchOp({ op: 'add', path: 'members', value: [{ value: GROUP_ID }] });
      await expect(f.writer.patch(ctx, 'Group', GROUP_ID, body, undefined)).rejects.toMatchObject({
        status: 400,
      });
    });

    it('answers 404 for an unknown resource', async () => {
      const f = resourceFixture();
      await expect(
        f.writer.patch(ctx, 'User', ALICE, patchOp({ op: 'replace', path: 'title', value: 'x' }), undefined),
      ).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('delete', () => {
    it('deletes with compare-and-swap and names the groups the user was in, without a snapshot', async () => {
      const f = resourceFixture([storedUser(ALICE, { externalId: 'ext-a' })]);
      f.memberships.groupsWithMember.mockResolvedValue([
        { groupId: GROUP_ID, memberId: ALICE, memberType: 'User' },
      ]);
      await f.writer.delete(ctx, 'User', ALICE, undefined);
      const { unit, entry } = committed(f);
      expect(unit.delete).toEqual({ resourceType: 'User', id: ALICE, expectedRev: 1 });
      expect(entry).toMatchObject({
        operation: 'delete',
        version: 'W/"1-a0000000"',
        externalId: 'ext-a',
        location: `${BASE_URL}/Users/${ALICE}`,
        memberOf: { removed: [{ value: GROUP_ID, type: 'Group' }] },
      });
      expect(['snapshot' in entry, 'members' in entry]).toEqual([false, false]);
    });

    it('records every member of a deleted group as removed', async () => {
      const f = resourceFixture([storedGroup(GROUP_ID)]);
      f.memberships.membersOf.mockResolvedValue([{ groupId: GROUP_ID, memberId: ALICE, memberType: 'User' }]);
      await f.writer.delete(ctx, 'Group', GROUP_ID, undefined);
      const { entry } = committed(f);
      expect([entry.members, 'memberOf' in entry]).toEqual([{ added: [], removed: [user(ALICE)] }, false]);
    });

    it('answers 412 when If-Match names an older version, and deletes nothing', async () => {
      const f = resourceFixture([storedUser(ALICE)]);
      await expect(f.writer.delete(ctx, 'User', ALICE, 'W/"0-a0000000"')).rejects.toMatchObject({
        status: 412,
      });
      expect(f.resources.commit).not.toHaveBeenCalled();
    });
  });
});
