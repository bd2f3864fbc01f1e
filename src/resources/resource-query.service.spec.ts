import { fitToSize, ResourceQueryService } from './resource-query.service';
import { BASE_URL, ctx, resourceFixture, storedGroup, storedUser, TENANT } from './resource-test.fixtures';

const ALICE = 'a0000000-0000-4000-8000-000000000001';
const SALES = 'c0000000-0000-4000-8000-000000000003';

describe(ResourceQueryService.name, () => {
  it('gets a resource as the presenter shows it, and 404 for an unknown id', async () => {
    const f = resourceFixture([storedUser(ALICE)]);
    const sut = f.query;
    const view = await sut.get(ctx, 'User', ALICE, { attributes: 'userName' });
    expect([view.body.userName, view.location, await sut.version(ctx, 'User', ALICE)]).toEqual([
      ALICE,
      `${BASE_URL}/Users/${ALICE}`,
      'W/"1-a0000000"',
    ]);
    await expect(sut.get(ctx, 'Group', ALICE)).rejects.toMatchObject({ status: 404, scimType: undefined });
  });

  it('runs a compiled filter with sort and index paging (RFC 7644 §3.4.2)', async () => {
    const f = resourceFixture();
    f.resources.find.mockResolvedValue({ totalResults: 7, resources: [storedUser(ALICE)] });
    const page = await f.query.list(ctx, 'User', {
      filter: 'userName eq "Alice"',
      sortBy: 'userName',
      sortOrder: 'descending',
      startIndex: '3',
      count: '2',
      attributes: 'userName',
    });
    expect(f.resources.find).toHaveBeenCalledWith(TENANT, 'User', expect.anything(), {
      skip: 2,
      limit: 2,
      sort: { field: '_ci.userName', direction: -1 },
    });
    expect(JSON.stringify(f.resources.find.mock.calls[0][2])).toContain('alice');
    expect(page).toEqual({
      resources: [{ schemas: expect.any(Array), id: ALICE, userName: ALICE }],
      resourcesJson: JSON.stringify(page.resources),
      totalResults: 7,
      itemsPerPage: 1,
      startIndex: 3,
    });
  });

  it('hands out a cursor when asked for cursor paging (RFC 9865) and accepts it back', async () => {
    const f = resourceFixture();
    f.resources.find.mockResolvedValue({ totalResults: 3, resources: [storedUser(ALICE)] });
    const first = await f.query.list(ctx, 'User', { cursor: '', count: '1' });
    expect(first.nextCursor).toEqual(expect.any(String));
    await f.query.list(ctx, 'User', { cursor: first.nextCursor, count: '1' });
    expect(f.resources.find.mock.calls[1][3]).toMatchObject({ skip: 1, limit: 1 });
  });

  it('resolves `groups eq` through nested groups and `members pr` with one membership question', async () => {
    const f = resourceFixture();
    f.memberships.membersOf.mockResolvedValue([{ groupId: SALES, memberId: ALICE, memberType: 'User' }]);
    f.memberships.groupIdsWithAnyMember.mockResolvedValue([SALES]);
    await f.query.list(ctx, 'User', { filter: `groups eq "${SALES}"` });
    await f.query.list(ctx, 'Group', { filter: 'members pr' });
    expect(f.resources.find.mock.calls.map((c) => c[2])).toEqual([
      { id: { $in: [ALICE] } },
      { id: { $in: [SALES] } },
    ]);
  });

  it('searches across types, each in turn, skipping what the first type used up', async () => {
    const f = resourceFixture();
    f.resources.find
      .mockResolvedValueOnce({ totalResults: 1, resources: [storedUser(ALICE)] })
      .mockResolvedValueOnce({ totalResults: 1, resources: [storedGroup(SALES)] });
    const page = await f.query.search(ctx, ['User', 'Group'], { filter: 'userName pr', sortBy: 'userName' });
    expect(page.totalResults).toBe(2);
    // Groups have no userName: the filter matches none of them and the sort leaves their order alone.
    expect(f.resources.find.mock.calls[1].slice(2)).toEqual([
      { id: { $in: [] } },
      { skip: 0, limit: 99, sort: undefined },
    ]);
  });

  it('refuses an unknown sortOrder and an unknown filter attribute of a single type with 400', async () => {
    const f = resourceFixture();
    await expect(f.query.list(ctx, 'User', { sortOrder: 'sideways' })).rejects.toMatchObject({ status: 400 });
    await expect(f.query.list(ctx, 'User', { filter: 'nope eq "x"' })).rejects.toMatchObject({ status: 400 });
    await expect(f.query.list(ctx, 'User', { sortBy: 'nope' })).rejects.toMatchObject({ status: 400 });
    expect(f.resources.find).not.toHaveBeenCalled();
  });
});

describe(fitToSize.name, () => {
  const page = [{ id: 'a', note: 'x'.repeat(40) }, { id: 'b', note: '\u00e9'.repeat(40) }, { id: 'c' }];

  it('keeps a page that fits whole, with its serialisation', () => {
    expect(fitToSize(page, 10_000)).toEqual({ resources: page, json: JSON.stringify(page) });
  });

  it('cuts a page that does not fit after the last resource that does, and serialises what it keeps', () => {
    const first = Buffer.byteLength(JSON.stringify(page[0])) + 1;
    const sut = fitToSize(page, first + 10);

    expect(sut.resources).toEqual([page[0]]);
    expect(sut.json).toBe(JSON.stringify([page[0]]));
  });

  it('keeps at least one resource, however large', () => {
    const sut = fitToSize(page, 5);

    expect(sut).toEqual({ resources: [page[0]], json: JSON.stringify([page[0]]) });
  });
});
