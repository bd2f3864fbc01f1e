import { equalityValues, isExactProbe, planQuery } from './query.planner';

const INDEXED = new Set(['id', '_ci.userName', 'externalId', '_ci.emails']);

describe(equalityValues.name, () => {
  it('takes a plain string', () => {
    expect(equalityValues('x')).toEqual(['x']);
  });

  it('takes $eq with a string', () => {
    expect(equalityValues({ $eq: 'x' })).toEqual(['x']);
  });

  it('takes $in with strings, without duplicates, even beside other operators', () => {
    expect(equalityValues({ $in: ['a', 'b', 'a'], $ne: 'b' })).toEqual(['a', 'b']);
  });

  it('refuses $in with a regex, a number or null', () => {
    expect([
      equalityValues({ $in: ['a', /b/] }),
      equalityValues({ $in: [1] }),
      equalityValues({ $in: [null] }),
    ]).toEqual([null, null, null]);
  });

  it('refuses regexes, ranges, numbers, null and embedded documents', () => {
    const conditions = [/x/, { $regex: 'x' }, { $gt: 'a' }, 5, null, { a: 1 }, ['x']];
    expect(conditions.map(equalityValues)).toEqual(conditions.map(() => null));
  });
});

describe(planQuery.name, () => {
  it('plans a top-level equality on an indexed field', () => {
    expect(planQuery({ '_ci.userName': 'bob' }, INDEXED)).toEqual([
      [{ field: '_ci.userName', values: ['bob'] }],
    ]);
  });

  it('plans nothing for an unindexed field', () => {
    expect(planQuery({ 'name.givenName': 'Bob' }, INDEXED)).toEqual([]);
  });

  it('offers each equality of a conjunction as an alternative', () => {
    expect(
      planQuery({ externalId: 'e', $and: [{ active: true }, { id: { $in: ['1', '2'] } }] }, INDEXED),
    ).toEqual([[{ field: 'externalId', values: ['e'] }], [{ field: 'id', values: ['1', '2'] }]]);
  });

  it('plans an $or as the union of its branches when every branch is indexed', () => {
    const query = { $or: [{ '_ci.userName': 'a' }, { $and: [{ '_ci.emails': 'b@x' }, { active: true }] }] };
    expect(planQuery(query, INDEXED)).toEqual([
      [
        { field: '_ci.userName', values: ['a'] },
        { field: '_ci.emails', values: ['b@x'] },
      ],
    ]);
  });

  it('plans nothing for an $or with an unindexed branch', () => {
    expect(planQuery({ $or: [{ '_ci.userName': 'a' }, { title: 'b' }] }, INDEXED)).toEqual([]);
  });

  it('does not look inside $nor or $not', () => {
    expect(planQuery({ $nor: [{ '_ci.userName': 'a' }], id: { $not: { $eq: 'x' } } }, INDEXED)).toEqual([]);
  });
});

describe(isExactProbe.name, () => {
  it.each([
    [{ id: 'a' }],
    [{ id: { $eq: 'a' } }],
    [{ id: { $in: ['a', 'b'] } }],
    [{ '_ci.emails': { $in: ['a@x'] } }],
  ])('is exact for %j', (query) => {
    expect(isExactProbe(query, INDEXED)).toBe(true);
  });

  it.each([
    [{ id: { $in: ['a'], $ne: 'b' } }],
    [{ id: 'a', active: true }],
    [{ active: true }],
    [{ id: { $in: ['a', 1] } }],
    [{ id: { $regex: 'a' } }],
    [{ $and: [{ id: 'a' }] }],
    [{}],
  ])('is not exact for %j', (query) => {
    expect(isExactProbe(query, INDEXED)).toBe(false);
  });
});
