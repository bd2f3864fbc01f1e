import { ListResult, ListResultInit } from './list-result';

const USERS = [
  { id: 'u1', userName: 'a\u00e9"\\', meta: { version: 'W/"1"' } },
  { id: 'u2', emails: [{ value: 'x@example.com', primary: true }] },
];

describe(ListResult.name, () => {
  const cases: [string, Omit<ListResultInit<Record<string, unknown>>, 'resourcesJson'>][] = [
    ['index paging', { resources: USERS, totalResults: 12, startIndex: 11 }],
    ['no startIndex, a next cursor', { resources: USERS, totalResults: 2, nextCursor: 'n1' }],
    ['both cursors', { resources: USERS, totalResults: 9, nextCursor: 'n"2', previousCursor: 'p1' }],
    ['an empty page', { resources: [], totalResults: 0, startIndex: 1, itemsPerPage: 0 }],
    ['no optional member at all', { resources: USERS, totalResults: 2 }],
  ];

  it.each(cases)(
    'sends pre-serialised resources byte for byte as the object form would be (%s)',
    (_, init) => {
      const sut = new ListResult({ ...init, resourcesJson: JSON.stringify(init.resources) });

      expect(sut.toListResponseJson()).toBe(JSON.stringify(sut.toListResponse()));
    },
  );

  it('has no JSON form without pre-serialised resources', () => {
    expect(new ListResult({ resources: USERS, totalResults: 2 }).toListResponseJson()).toBeUndefined();
  });
});
