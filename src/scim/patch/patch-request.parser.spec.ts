import { PATCH_OP_SCHEMA } from '../schema/schema-urns';
import { expectScimError } from './patch-test.fixtures';
import { parsePatchRequest } from './patch-request.parser';

describe(parsePatchRequest.name, () => {
  const sut = parsePatchRequest;
  const body = (...ops: unknown[]) => ({ schemas: [PATCH_OP_SCHEMA], Operations: ops });

  it('returns the operations with op lower-cased', () => {
    expect(
      sut(body({ op: 'Replace', path: 'active', value: 'False' }, { op: 'remove', path: 'title' })),
    ).toEqual([
      { index: 0, op: 'replace', path: 'active', hasValue: true, value: 'False' },
      { index: 1, op: 'remove', path: 'title', hasValue: false },
    ]);
  });

  it('matches message attribute names case-insensitively', () => {
    expect(
      sut({ SCHEMAS: [PATCH_OP_SCHEMA.toUpperCase()], operations: [{ OP: 'add', Path: 'x', Value: 1 }] }),
    ).toEqual([{ index: 0, op: 'add', path: 'x', hasValue: true, value: 1 }]);
  });

  it('treats a null or blank path as no path', () => {
    expect(
      sut(body({ op: 'add', path: null, value: {} }, { op: 'add', path: '  ', value: {} })).map(
        (o) => o.path,
      ),
    ).toEqual([undefined, undefined]);
  });

  it('keeps a null value as a value (RFC 7643 §2.5 unassigned)', () => {
    expect(sut(body({ op: 'replace', path: 'x', value: null }))[0]).toMatchObject({
      hasValue: true,
      value: null,
    });
  });

  it.each([
    ['a non-object body', [], 'invalidSyntax'],
    ['a null body', null, 'invalidSyntax'],
    ['no schemas', { Operations: [{ op: 'add', path: 'x', value: 1 }] }, 'invalidSyntax'],
    [
      'the wrong schema',
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [] },
      'invalidSyntax',
    ],
    ['schemas not an array', { schemas: PATCH_OP_SCHEMA, Operations: [] }, 'invalidSyntax'],
    ['no Operations', { schemas: [PATCH_OP_SCHEMA] }, 'invalidSyntax'],
    ['Operations not an array', { schemas: [PATCH_OP_SCHEMA], Operations: { op: 'add' } }, 'invalidSyntax'],
    ['empty Operations', { schemas: [PATCH_OP_SCHEMA], Operations: [] }, 'invalidSyntax'],
    [
      'an operation that is not an object',
      { schemas: [PATCH_OP_SCHEMA], Operations: ['add'] },
      'invalidSyntax',
    ],
    ['no op', { schemas: [PATCH_OP_SCHEMA], Operations: [{ path: 'x', value: 1 }] }, 'invalidSyntax'],
    [
      'an unknown op',
      { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'move', path: 'x' }] },
      'invalidSyntax',
    ],
    [
      'an op that is not a string',
      { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 1, path: 'x' }] },
      'invalidSyntax',
    ],
    [
      'a path that is not a string',
      { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'remove', path: 3 }] },
      'invalidSyntax',
    ],
    [
      'add without value',
      { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'add', path: 'x' }] },
      'invalidSyntax',
    ],
    [
      'replace without value',
      { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'Replace', path: 'x' }] },
      'invalidSyntax',
    ],
  ])('rejects %s with 400 %s', (_name, input, scimType) => {
    expectScimError(() => sut(input), 400, scimType as never);
  });

  it('names the faulty operation', () => {
    const error = expectScimError(
      () => sut(body({ op: 'add', path: 'a', value: 1 }, { op: 'copy' })),
      400,
      'invalidSyntax',
    );
    expect(error.detail).toContain('Operations[1]');
  });

  it('rejects more operations than the limit with 400 tooMany', () => {
    const ops = Array.from({ length: 11 }, () => ({ op: 'remove', path: 'x' }));
    expect(sut(body(...ops.slice(0, 10)), 10)).toHaveLength(10);
    expectScimError(() => sut(body(...ops), 10), 400, 'tooMany');
  });

  describe('values per operation', () => {
    const members = (count: number) => Array.from({ length: count }, (_, i) => ({ value: `m${i}` }));

    it('refuses more values than allowed in one operation with 400 tooMany', () => {
      const error = expectScimError(
        () => sut(body({ op: 'add', path: 'members', value: members(4) }), 10, 3),
        400,
        'tooMany',
      );

      expect(error.detail).toBe('Operations[0] has 4 values; at most 3 are accepted in one operation');
    });

    it('accepts exactly the limit', () => {
      expect(sut(body({ op: 'add', path: 'members', value: members(3) }), 10, 3)).toHaveLength(1);
    });

    it('counts the lists inside a path-less value, and one per other attribute', () => {
      const error = expectScimError(
        () =>
          sut(
            body({ op: 'add', value: { members: members(2), displayName: 'g', emails: members(1) } }),
            10,
            3,
          ),
        400,
        'tooMany',
      );

      expect(error.detail).toBe('Operations[0] has 4 values; at most 3 are accepted in one operation');
    });

    it('names the operation that has too many', () => {
      const error = expectScimError(
        () =>
          sut(
            body({ op: 'remove', path: 'title' }, { op: 'add', path: 'members', value: members(4) }),
            10,
            3,
          ),
        400,
        'tooMany',
      );

      expect(error.detail).toMatch(/^Operations\[1\] has 4 values/);
    });

    it('admits 10000 values by default (Entra adds members by the thousand)', () => {
      expect(sut(body({ op: 'add', path: 'members', value: members(10000) }))).toHaveLength(1);
      expectScimError(() => sut(body({ op: 'add', path: 'members', value: members(10001) })), 400, 'tooMany');
    });
  });
});
