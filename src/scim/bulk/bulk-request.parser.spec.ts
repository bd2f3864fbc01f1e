import { ScimError } from '../errors';
import { BULK_REQUEST_SCHEMA } from '../schema/schema-urns';
import { parseBulkRequest } from './bulk-request.parser';

const limits = { maxOperations: 5, maxPayloadSize: 1_000 };

function body(operations: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { schemas: [BULK_REQUEST_SCHEMA], Operations: operations, ...extra };
}

const postUser = { method: 'POST', path: '/Users', bulkId: 'qwerty', data: { userName: 'alice' } };

function errorOf(raw: unknown, payloadBytes = 100, lim = limits): ScimError {
  try {
    parseBulkRequest(raw, lim, payloadBytes);
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

function expectSyntaxError(raw: unknown, fragment: string): void {
  const error = errorOf(raw);
  expect(error.status).toBe(400);
  expect(error.scimType).toBe('invalidSyntax');
  expect(error.detail).toContain(fragment);
}

describe(parseBulkRequest.name, () => {
  const sut = parseBulkRequest;

  describe('valid requests', () => {
    it('normalises every kind of operation', () => {
      const result = sut(
        body([
          postUser,
          { method: 'put', path: '/Users/abc', version: 'W/"1"', data: { userName: 'bob' } },
          { method: 'Patch', path: '/Groups/bulkId:qwerty', data: { Operations: [] } },
          { method: 'delete', path: '/users/xyz' },
        ]),
        limits,
        100,
      );
      expect(result).toEqual({
        operations: [
          {
            index: 0,
            method: 'POST',
            path: '/Users',
            endpoint: '/Users',
            bulkId: 'qwerty',
            data: { userName: 'alice' },
          },
          {
            index: 1,
            method: 'PUT',
            path: '/Users/abc',
            endpoint: '/Users',
            id: 'abc',
            version: 'W/"1"',
            data: { userName: 'bob' },
          },
          {
            index: 2,
            method: 'PATCH',
            path: '/Groups/bulkId:qwerty',
            endpoint: '/Groups',
            id: 'bulkId:qwerty',
            data: { Operations: [] },
          },
          { index: 3, method: 'DELETE', path: '/users/xyz', endpoint: '/Users', id: 'xyz' },
        ],
      });
    });

    it('reads failOnErrors', () => {
      expect(sut(body([postUser], { failOnErrors: 2 }), limits, 100).failOnErrors).toBe(2);
    });

    it('treats a null failOnErrors as absent', () => {
      expect(sut(body([postUser], { failOnErrors: null }), limits, 100)).not.toHaveProperty('failOnErrors');
    });

    it('matches attribute names case-insensitively (RFC 7643 §2.1)', () => {
      const result = sut(
        {
          SCHEMAS: [BULK_REQUEST_SCHEMA.toUpperCase()],
          operations: [{ METHOD: 'post', Path: '/Users', BULKID: 'b', Data: {} }],
        },
        limits,
        100,
      );
      expect(result.operations[0]).toMatchObject({ method: 'POST', bulkId: 'b', data: {} });
    });

    it('ignores a bulkId on a method other than POST', () => {
      expect(
        sut(body([{ method: 'DELETE', path: '/Users/1', bulkId: 'x' }]), limits, 100).operations[0],
      ).not.toHaveProperty('bulkId');
    });

    it('ignores data on DELETE', () => {
      expect(
        sut(body([{ method: 'DELETE', path: '/Users/1', data: { a: 1 } }]), limits, 100).operations[0],
      ).not.toHaveProperty('data');
    });

    it('accepts exactly maxOperations operations and exactly maxPayloadSize bytes', () => {
      const ops = Array.from({ length: 5 }, (_, i) => ({ ...postUser, bulkId: `b${i}` }));
      expect(sut(body(ops), limits, 1_000).operations).toHaveLength(5);
    });

    it('accepts the endpoints it is given', () => {
      const result = sut(body([{ method: 'DELETE', path: '/Devices/d1' }]), limits, 100, [
        '/Users',
        '/Devices',
      ]);
      expect(result.operations[0].endpoint).toBe('/Devices');
    });
  });

  describe('limits (RFC 7644 §3.7.4)', () => {
    it('refuses a payload larger than maxPayloadSize with 413 tooMany', () => {
      const error = errorOf(body([postUser]), 1_001);
      expect(error.status).toBe(413);
      expect(error.scimType).toBe('tooMany');
      expect(error.detail).toContain('maxPayloadSize (1000)');
    });

    it('checks the payload size before the syntax', () => {
      expect(errorOf('not even an object', 5_000).status).toBe(413);
    });

    it('refuses more than maxOperations operations with 413 tooMany', () => {
      const ops = Array.from({ length: 6 }, (_, i) => ({ ...postUser, bulkId: `b${i}` }));
      const error = errorOf(body(ops));
      expect(error.status).toBe(413);
      expect(error.scimType).toBe('tooMany');
      expect(error.detail).toContain('maxOperations (5)');
    });
  });

  describe('message errors (400 invalidSyntax)', () => {
    it.each([[null], ['text'], [[]], [42]])('refuses a body that is not an object: %j', (raw) => {
      expectSyntaxError(raw, 'JSON object');
    });

    it('refuses a missing schemas', () => {
      expectSyntaxError({ Operations: [postUser] }, BULK_REQUEST_SCHEMA);
    });

    it('refuses another schema', () => {
      expectSyntaxError(
        { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [postUser] },
        'schemas',
      );
    });

    it('refuses a schemas that is not an array', () => {
      expectSyntaxError({ schemas: BULK_REQUEST_SCHEMA, Operations: [postUser] }, 'schemas');
    });

    it('refuses missing Operations', () => {
      expectSyntaxError({ schemas: [BULK_REQUEST_SCHEMA] }, 'Operations');
    });

    it('refuses Operations that is not an array', () => {
      expectSyntaxError(body({} as unknown as unknown[]), 'Operations');
    });

    it('refuses empty Operations', () => {
      expectSyntaxError(body([]), 'at least one');
    });

    it('refuses an attribute spelt twice', () => {
      expectSyntaxError(
        { schemas: [BULK_REQUEST_SCHEMA], Operations: [postUser], operations: [postUser] },
        'more than once',
      );
    });

    it.each([[0], [-1], [1.5], ['1'], [true]])('refuses failOnErrors %j', (failOnErrors) => {
      expectSyntaxError(body([postUser], { failOnErrors }), 'failOnErrors');
    });
  });

  describe('operation errors (400 invalidSyntax, naming the operation)', () => {
    it('refuses an operation that is not an object', () => {
      expectSyntaxError(body([postUser, 'DELETE /Users/1']), 'Operations[1]');
    });

    it.each([[undefined], ['GET'], ['HEAD'], [42]])('refuses method %j', (method) => {
      expectSyntaxError(body([{ ...postUser, method }]), 'Operations[0].method');
    });

    it.each([
      [undefined],
      [42],
      [''],
      ['Users'],
      ['/'],
      ['/Widgets'],
      ['/Users/1/2'],
      ['/Users?x=1'],
      ['/Users//'],
    ])('refuses path %j', (path) => {
      expectSyntaxError(body([{ method: 'DELETE', path }]), 'Operations[0]');
    });

    it('refuses a POST to a single resource', () => {
      expectSyntaxError(body([{ ...postUser, path: '/Users/123' }]), 'POST path');
    });

    it.each([['PUT'], ['PATCH'], ['DELETE']])('refuses %s without a resource id', (method) => {
      expectSyntaxError(body([{ method, path: '/Users', data: {} }]), 'must name one resource');
    });

    it.each([[undefined], [''], ['a b'], ['a/b'], [7]])('refuses POST bulkId %j', (bulkId) => {
      expectSyntaxError(body([{ ...postUser, bulkId }]), 'Operations[0].bulkId');
    });

    it('refuses a duplicate bulkId (RFC 7644 §3.7: unique within a request)', () => {
      expectSyntaxError(
        body([postUser, { ...postUser, data: { userName: 'bob' } }]),
        'already used by Operations[0]',
      );
    });

    it.each([['POST'], ['PUT'], ['PATCH']])('refuses %s without data', (method) => {
      const path = method === 'POST' ? '/Users' : '/Users/1';
      expectSyntaxError(body([{ method, path, bulkId: 'b' }]), 'data is required');
    });

    it('refuses data that is an array', () => {
      expectSyntaxError(body([{ ...postUser, data: [{ userName: 'x' }] }]), 'data is required');
    });

    it.each([[''], [3]])('refuses version %j', (version) => {
      expectSyntaxError(body([{ method: 'DELETE', path: '/Users/1', version }]), 'version');
    });

    it('refuses absurdly nested data', () => {
      let deep: Record<string, unknown> = {};
      for (let i = 0; i < 40; i++) deep = { a: deep };
      expectSyntaxError(body([{ ...postUser, data: deep }]), 'nested');
    });
  });
});

describe('bulk error messages of deeply nested values', () => {
  function nested(depth: number): unknown {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  }

  it.each([
    ['failOnErrors', () => body([postUser], { failOnErrors: nested(20_000) })],
    ['method', () => body([{ ...postUser, method: nested(20_000) }])],
    ['bulkId', () => body([{ ...postUser, bulkId: nested(20_000) }])],
  ])('refuse a %s nested 20,000 levels with a short 400, not a stack overflow', (_name, raw) => {
    const error = errorOf(raw());
    expect(error.status).toBe(400);
    expect(error.detail).toMatch(/got \[\[…\]\]$/);
  });
});
