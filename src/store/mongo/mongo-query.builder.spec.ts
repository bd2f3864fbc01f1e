import fc from 'fast-check';
import { Aggregator } from 'mingo';
import { FindOptions } from '../ports';
import { sortDocuments } from '../store-query.util';
import {
  findPipeline,
  nativeSortStage,
  projectionOf,
  scopedFilter,
  sortKeyExpression,
  sortStage,
} from './mongo-query.builder';

/** Runs a pipeline the way MongoDB would, in memory (mingo implements the same aggregation language). */
function run(
  pipeline: Record<string, unknown>[],
  docs: Record<string, unknown>[],
): Record<string, unknown>[] {
  return new Aggregator(pipeline, { scriptEnabled: false }).run(docs) as Record<string, unknown>[];
}

const doc = (id: string, extra: Record<string, unknown> = {}, tenant = 't', type = 'User') => ({
  _tenant: tenant,
  _type: type,
  _rev: 1,
  id,
  schemas: ['s'],
  meta: { resourceType: type },
  ...extra,
});

describe(scopedFilter.name, () => {
  it('is only the scope for an empty query', () => {
    expect(scopedFilter('t', 'User', {})).toEqual({ _tenant: 't', _type: 'User' });
  });

  it('nests the query under $and so it cannot override the tenant', () => {
    expect(scopedFilter('t', 'User', { _tenant: 'other', a: 1 })).toEqual({
      _tenant: 't',
      _type: 'User',
      $and: [{ _tenant: 'other', a: 1 }],
    });
  });
});

describe(projectionOf.name, () => {
  it('only hides _id without fields', () => {
    expect(projectionOf(undefined)).toEqual({ _id: 0 });
  });

  it('includes the normalized paths, without overlaps that MongoDB would reject', () => {
    const sut = projectionOf(['name', 'name.givenName']);
    expect(sut).toEqual({ _id: 0, _rev: 1, _tenant: 1, _type: 1, id: 1, meta: 1, name: 1, schemas: 1 });
  });
});

describe(sortStage.name, () => {
  it('orders by id without a sort', () => {
    expect(sortStage(undefined)).toEqual({ id: 1 });
  });

  it('puts the missing flag first, in the same direction, and ties on id ascending', () => {
    expect(Object.entries(sortStage({ field: 'x', direction: -1 }))).toEqual([
      ['__sortMissing', -1],
      ['__sortKey', -1],
      ['id', 1],
    ]);
  });
});

describe(sortKeyExpression.name, () => {
  const keyOf = (path: string, d: Record<string, unknown>) =>
    run([{ $project: { _id: 0, k: sortKeyExpression(path) } }], [d])[0].k;

  it('reads a nested value', () => {
    expect(keyOf('name.familyName', { name: { familyName: 'X' } })).toBe('X');
  });

  it('uses the primary element, else the first (RFC 7644 §3.4.2.3)', () => {
    const primary = { emails: [{ value: 'a' }, { value: 'z', primary: true }] };
    const first = { emails: [{ value: 'm' }, { value: 'a' }] };
    expect([keyOf('emails.value', primary), keyOf('emails.value', first)]).toEqual(['z', 'm']);
  });

  it('reads fields whose names contain colons (extension storage keys)', () => {
    const key = 'urn:ietf:params:scim:schemas:extension:enterprise:2_0:User';
    expect(keyOf(`${key}.department`, { [key]: { department: 'R&D' } })).toBe('R&D');
  });

  it('yields no value (missing or null) for a missing path or a scalar on the way', () => {
    expect([keyOf('a.b', {}) ?? null, keyOf('a.b', { a: 'str' }) ?? null]).toEqual([null, null]);
  });

  it('yields no value for an empty array', () => {
    expect(keyOf('a', { a: [] }) ?? null).toBeNull();
  });

  describe('caseInsensitive', () => {
    const ciKeyOf = (path: string, d: Record<string, unknown>) =>
      run([{ $project: { _id: 0, k: sortKeyExpression(path, true) } }], [d])[0].k;

    it('lower-cases a string key (of the primary element too)', () => {
      const d = {
        name: { familyName: 'McDonald' },
        emails: [{ value: 'A' }, { value: 'Zed', primary: true }],
      };
      expect([ciKeyOf('name.familyName', d), ciKeyOf('emails.value', d)]).toEqual(['mcdonald', 'zed']);
    });

    it('leaves numbers, missing and null keys alone ($toLower would make them strings)', () => {
      expect([ciKeyOf('n', { n: 5 }), ciKeyOf('n', {}) ?? null, ciKeyOf('n', { n: null }) ?? null]).toEqual([
        5,
        null,
        null,
      ]);
    });
  });
});

describe(findPipeline.name, () => {
  const docs = [
    doc('c', { n: 'b' }),
    doc('a', { n: 'B' }),
    doc('b'),
    doc('e', { n: null }),
    doc('d', { n: 'b', secret: 1 }),
    doc('x', { n: 'a' }, 'other'),
    doc('y', { n: 'a' }, 't', 'Group'),
  ];
  const ids = (out: Record<string, unknown>[]) => out.map((d) => d.id);
  const page = (options: Partial<FindOptions>) => ({ skip: 0, limit: 100, ...options });

  it('returns the tenant and type only, ordered by id, without _id', () => {
    const out = run(findPipeline('t', 'User', {}, page({})), docs);
    expect(ids(out)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('applies the query', () => {
    expect(ids(run(findPipeline('t', 'User', { n: 'b' }, page({})), docs))).toEqual(['c', 'd']);
  });

  it('sorts ascending with missing values last and ties by id', () => {
    const out = run(findPipeline('t', 'User', {}, page({ sort: { field: 'n', direction: 1 } })), docs);
    expect(ids(out)).toEqual(['a', 'c', 'd', 'b', 'e']);
  });

  it('sorts descending with missing values first and ties by id ascending', () => {
    const out = run(findPipeline('t', 'User', {}, page({ sort: { field: 'n', direction: -1 } })), docs);
    expect(ids(out)).toEqual(['b', 'e', 'c', 'd', 'a']);
  });

  it('sorts without regard to case when caseInsensitive, ties (equal once folded) by id', () => {
    const sort = { field: 'n', direction: 1 as const, caseInsensitive: true };
    expect(ids(run(findPipeline('t', 'User', {}, page({ sort })), docs))).toEqual(['a', 'c', 'd', 'b', 'e']);
  });

  it('removes its helper fields', () => {
    const [first] = run(findPipeline('t', 'User', {}, page({ sort: { field: 'n', direction: 1 } })), docs);
    expect(Object.keys(first).filter((k) => k.startsWith('__'))).toEqual([]);
  });

  it('skips and limits after sorting', () => {
    const out = run(
      findPipeline('t', 'User', {}, { skip: 1, limit: 2, sort: { field: 'n', direction: 1 } }),
      docs,
    );
    expect(ids(out)).toEqual(['c', 'd']);
  });

  it('projects the requested fields', () => {
    const [first] = run(findPipeline('t', 'User', { id: 'd' }, page({ fields: ['n'] })), docs);
    expect(first).toEqual({
      _tenant: 't',
      _type: 'User',
      _rev: 1,
      id: 'd',
      schemas: ['s'],
      meta: { resourceType: 'User' },
      n: 'b',
    });
  });

  it('orders like the embedded store for any documents (property)', () => {
    // Few letters of both cases, so that keys often tie once folded. ASCII only: mingo's $toLower folds all of
    // Unicode where MongoDB's (and foldAsciiCase) folds ASCII, so non-ASCII text would test mingo, not MongoDB.
    const text = fc.oneof(
      fc.string({ maxLength: 3 }),
      fc.string({ unit: fc.constantFrom('a', 'A', 'b', 'B', '_', '['), maxLength: 3 }),
    );
    const value = fc.option(text, { nil: undefined });
    const element = fc.record(
      { v: value, primary: fc.option(fc.constant(true), { nil: undefined }) },
      { requiredKeys: [] },
    );
    const generated = fc.uniqueArray(
      fc.record({
        id: fc.string({ minLength: 1, maxLength: 4 }),
        n: fc.oneof(value, fc.constant(null)),
        e: fc.option(fc.array(element, { maxLength: 3 }), { nil: undefined }),
      }),
      { selector: (d) => d.id, maxLength: 12 },
    );
    fc.assert(
      fc.property(
        generated,
        fc.constantFrom('n', 'e.v'),
        fc.constantFrom(1 as const, -1 as const),
        fc.boolean(),
        (raw, field, direction, caseInsensitive) => {
          const stored = raw.map(
            (r) => JSON.parse(JSON.stringify(doc(r.id, { n: r.n, e: r.e }))) as { id: string },
          );
          const sort = { field, direction, caseInsensitive };
          const expected = sortDocuments(stored, sort).map((d) => d.id);
          const actual = ids(run(findPipeline('t', 'User', {}, page({ sort })), stored));
          expect(actual).toEqual(expected);
        },
      ),
    );
  });
});

describe(nativeSortStage.name, () => {
  it('sorts a unique shadow by itself, with id in the same direction (one ascending index serves both)', () => {
    expect([
      nativeSortStage('User', { field: '_ci.userName', direction: -1 }),
      nativeSortStage('Group', { field: '_ci.displayName', direction: 1, caseInsensitive: true }),
    ]).toEqual([
      { '_ci.userName': -1, id: -1 },
      { '_ci.displayName': 1, id: 1 },
    ]);
  });

  it('breaks ties of a timestamp by id ascending, in both directions', () => {
    expect(nativeSortStage('Group', { field: 'meta.lastModified', direction: -1 })).toEqual({
      'meta.lastModified': -1,
      id: 1,
    });
  });

  it('sorts by id alone', () => {
    expect(nativeSortStage('User', { field: 'id', direction: -1 })).toEqual({ id: -1 });
  });

  it('refuses shadows not guaranteed for the type, other fields, and folding of unfolded fields', () => {
    expect([
      nativeSortStage('Group', { field: '_ci.userName', direction: 1 }),
      nativeSortStage('User', { field: '_ci.displayName', direction: 1 }),
      nativeSortStage('User', { field: 'userName', direction: 1 }),
      nativeSortStage('User', { field: 'meta.created', direction: 1, caseInsensitive: true }),
      nativeSortStage('User', { field: 'constructor', direction: 1 }),
    ]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe(`${findPipeline.name} on a natively sorted field`, () => {
  const page = (options: Partial<FindOptions>) => ({ skip: 0, limit: 100, ...options });

  it('sorts on the field itself, without computed keys', () => {
    const sort = { field: '_ci.userName', direction: 1 as const };
    expect(findPipeline('t', 'User', {}, page({ sort, skip: 5, limit: 2 }))).toEqual([
      { $match: { _tenant: 't', _type: 'User' } },
      { $sort: { '_ci.userName': 1, id: 1 } },
      { $skip: 5 },
      { $limit: 2 },
      { $project: { _id: 0 } },
    ]);
  });

  it('orders and pages like the embedded store for any documents (property)', () => {
    // The invariants the native path relies on: every User has a unique _ci.userName (lower-cased) and every
    // resource an id and meta timestamps; timestamps often tie. ASCII: see the property above.
    const generated = fc.uniqueArray(
      fc.record({
        id: fc.string({ unit: fc.constantFrom('a', 'B', '1', '-'), minLength: 1, maxLength: 4 }),
        userName: fc.string({ unit: fc.constantFrom('a', 'b', '.', '1'), minLength: 1, maxLength: 3 }),
        created: fc.constantFrom(
          '2024-01-01T00:00:00.000Z',
          '2024-01-01T00:00:00.001Z',
          '2025-06-01T10:00:00.000Z',
        ),
        lastModified: fc.constantFrom('2024-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
      }),
      { selector: (d) => d.id, maxLength: 12 },
    );
    fc.assert(
      fc.property(
        generated.map((raw) => raw.filter((r, i) => raw.findIndex((o) => o.userName === r.userName) === i)),
        fc.constantFrom('_ci.userName', 'id', 'meta.created', 'meta.lastModified'),
        fc.constantFrom(1 as const, -1 as const),
        fc.nat(12),
        fc.integer({ min: 1, max: 12 }),
        (raw, field, direction, skip, limit) => {
          const stored = raw.map((r) =>
            doc(r.id, {
              _ci: { userName: r.userName },
              meta: { resourceType: 'User', created: r.created, lastModified: r.lastModified },
            }),
          );
          const sort = { field, direction };
          const pipeline = findPipeline('t', 'User', {}, { skip, limit, sort });
          expect(pipeline.some((stage) => '$addFields' in stage)).toBe(false);
          const expected = sortDocuments(stored, sort)
            .slice(skip, skip + limit)
            .map((d) => d.id);
          expect(run(pipeline, stored).map((d) => d.id)).toEqual(expected);
        },
      ),
    );
  });
});
