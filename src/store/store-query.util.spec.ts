import { ScimError } from '../scim/errors';
import {
  compareSortValues,
  normalizeFieldPaths,
  normalizePage,
  projectFields,
  sortDocuments,
  sortKey,
  uniquenessError,
} from './store-query.util';

describe(normalizePage.name, () => {
  it('keeps non-negative integers', () => {
    expect(normalizePage({ skip: 5, limit: 10 })).toEqual({ skip: 5, limit: 10 });
  });

  it('turns negative and non-finite values into 0 (RFC 7644 §3.4.2.4)', () => {
    expect(normalizePage({ skip: -1, limit: Number.NaN })).toEqual({ skip: 0, limit: 0 });
  });

  it('drops fractions', () => {
    expect(normalizePage({ skip: 1.7, limit: 2.2 })).toEqual({ skip: 1, limit: 2 });
  });
});

describe(normalizeFieldPaths.name, () => {
  it('adds the fields every document needs', () => {
    expect(normalizeFieldPaths([])).toEqual(['_rev', '_tenant', '_type', 'id', 'meta', 'schemas']);
  });

  it('drops a path covered by a shorter one', () => {
    expect(normalizeFieldPaths(['name.givenName', 'name', 'meta.created'])).not.toContain('name.givenName');
    expect(normalizeFieldPaths(['name.givenName', 'name', 'meta.created'])).not.toContain('meta.created');
  });

  it('keeps siblings whose names share a prefix', () => {
    expect(normalizeFieldPaths(['name', 'nameX.a', 'name-b'])).toEqual(
      expect.arrayContaining(['name', 'nameX.a', 'name-b']),
    );
  });
});

describe(projectFields.name, () => {
  const doc = {
    id: '1',
    schemas: ['s'],
    meta: { resourceType: 'User' },
    _tenant: 't',
    _type: 'User',
    _rev: 1,
    userName: 'a',
    name: { givenName: 'A', familyName: 'B' },
    emails: [{ value: 'x', type: 'work' }, 'stray', { type: 'home' }],
    title: 'scalar',
  };

  it('returns the whole document without fields', () => {
    expect(projectFields(doc, undefined)).toBe(doc);
  });

  it('keeps only the listed sub-attribute of an object', () => {
    expect(projectFields(doc, ['name.givenName']).name).toEqual({ givenName: 'A' });
  });

  it('keeps the sub-attribute in each object element of an array and drops scalar elements', () => {
    expect(projectFields(doc, ['emails.value']).emails).toEqual([{ value: 'x' }, {}]);
  });

  it('drops a scalar reached by a sub-path', () => {
    expect(projectFields(doc, ['title.x'])).not.toHaveProperty('title');
  });

  it('always keeps id, schemas, meta and the internal fields', () => {
    expect(Object.keys(projectFields(doc, ['userName'])).sort()).toEqual(
      ['_rev', '_tenant', '_type', 'id', 'meta', 'schemas', 'userName'].sort(),
    );
  });
});

describe(sortKey.name, () => {
  it('reads a nested value', () => {
    expect(sortKey({ name: { familyName: 'X' } }, 'name.familyName')).toBe('X');
  });

  it('uses the primary element of a multi-valued attribute (RFC 7644 §3.4.2.3)', () => {
    const doc = { emails: [{ value: 'a' }, { value: 'z', primary: true }] };
    expect(sortKey(doc, 'emails.value')).toBe('z');
  });

  it('uses the first element when none is primary', () => {
    expect(sortKey({ emails: [{ value: 'm' }, { value: 'a' }] }, 'emails.value')).toBe('m');
  });

  it('uses the first value of an array of scalars', () => {
    expect(sortKey({ _ci: { emails: ['m', 'a'] } }, '_ci.emails')).toBe('m');
  });

  it('treats null, missing and unreachable values as missing', () => {
    expect([
      sortKey({ a: null }, 'a'),
      sortKey({}, 'a.b'),
      sortKey({ a: 'str' }, 'a.b'),
      sortKey({ a: [] }, 'a'),
    ]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe(compareSortValues.name, () => {
  it('orders numbers numerically', () => {
    expect(compareSortValues(9, 10)).toBeLessThan(0);
  });

  it('orders strings by code unit, upper case before lower case', () => {
    expect(compareSortValues('Zed', 'abe')).toBeLessThan(0);
  });

  it('orders types like BSON: numbers, strings, objects, booleans', () => {
    const values = [true, { a: 1 }, 'x', 5];
    expect([...values].sort(compareSortValues)).toEqual([5, 'x', { a: 1 }, true]);
  });

  it('orders false before true', () => {
    expect(compareSortValues(false, true)).toBeLessThan(0);
  });
});

describe(sortDocuments.name, () => {
  const docs = [
    { id: 'd', n: 'b' },
    { id: 'c' },
    { id: 'b', n: 'a' },
    { id: 'a', n: 'b' },
    { id: 'e', n: null },
  ];

  it('sorts ascending with ties by id and missing values last', () => {
    expect(sortDocuments(docs, { field: 'n', direction: 1 }).map((d) => d.id)).toEqual([
      'b',
      'a',
      'd',
      'c',
      'e',
    ]);
  });

  it('sorts descending with ties by id ascending and missing values first', () => {
    expect(sortDocuments(docs, { field: 'n', direction: -1 }).map((d) => d.id)).toEqual([
      'c',
      'e',
      'a',
      'd',
      'b',
    ]);
  });

  it('does not reorder its input', () => {
    sortDocuments(docs, { field: 'n', direction: 1 });
    expect(docs[0].id).toBe('d');
  });

  describe('caseInsensitive (RFC 7644 §3.4.2.3, caseExact=false)', () => {
    const mixed = [
      { id: '1', n: 'bob' },
      { id: '2', n: 'Carol' },
      { id: '3', n: 'adam' },
      { id: '4', n: 'BOB' },
      { id: '5', n: 7 },
      { id: '6' },
    ];
    const order = (direction: 1 | -1, caseInsensitive?: boolean) =>
      sortDocuments(mixed, { field: 'n', direction, caseInsensitive }).map((d) => d.id);

    it('orders strings without regard to case, ties by id, other types and missing values as before', () => {
      expect(order(1, true)).toEqual(['5', '3', '1', '4', '2', '6']);
    });

    it('keeps ties by id ascending when descending', () => {
      expect(order(-1, true)).toEqual(['6', '2', '1', '4', '3', '5']);
    });

    it('is case-sensitive without the flag', () => {
      expect(order(1)).toEqual(['5', '4', '2', '3', '1', '6']);
    });

    it('folds ASCII letters only, as MongoDB $toLower does', () => {
      const sut = [
        { id: 'x', n: 'élan' },
        { id: 'y', n: 'Élan' },
        { id: 'z', n: 'Zoe' },
      ];
      const sorted = sortDocuments(sut, { field: 'n', direction: 1, caseInsensitive: true });
      expect(sorted.map((d) => d.id)).toEqual(['z', 'y', 'x']);
    });
  });
});

describe(uniquenessError.name, () => {
  it('is a 409 uniqueness ScimError naming the attribute and value', () => {
    const sut = uniquenessError('User', 'userName', 'Alice');
    expect(sut).toBeInstanceOf(ScimError);
    expect([sut.status, sut.scimType]).toEqual([409, 'uniqueness']);
    expect(sut.detail).toContain('userName "Alice"');
  });
});
