import { ScimError } from '../errors';
import {
  BULK_REQUEST_SCHEMA,
  BULK_RESPONSE_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  PATCH_OP_SCHEMA,
} from '../schema/schema-urns';
import { parseBulkRequest } from './bulk-request.parser';
import { runBulk } from './bulk.runner';
import { BulkOperationOutcome, BulkRequest, ResolvedOperation } from './bulk.types';

const BASE = 'https://example.com/v2';

function request(operations: unknown[], failOnErrors?: number): BulkRequest {
  const body: Record<string, unknown> = { schemas: [BULK_REQUEST_SCHEMA], Operations: operations };
  if (failOnErrors !== undefined) body.failOnErrors = failOnErrors;
  return parseBulkRequest(body, { maxOperations: 100, maxPayloadSize: 1_000_000 }, 100);
}

/**
 * A fake store: POST creates `{type}-{n}`, PUT/PATCH answer 200, DELETE 204; `failWhen` makes chosen calls throw.
 * Every call is recorded, with a deep copy of what the executor received.
 */
class FakeExecutor {
  readonly calls: ResolvedOperation[] = [];
  private counter = 0;
  failWhen: (op: ResolvedOperation) => unknown = () => undefined;

  readonly execute = async (op: ResolvedOperation): Promise<BulkOperationOutcome> => {
    this.calls.push(structuredClone(op));
    const failure = this.failWhen(op);
    if (failure !== undefined) throw failure;
    const prefix = op.endpoint === '/Users' ? 'u' : 'g';
    switch (op.method) {
      case 'POST': {
        const id = `${prefix}${++this.counter}`;
        return { status: 201, id, location: `${BASE}${op.endpoint}/${id}`, version: `W/"${id}-1"` };
      }
      case 'PUT':
      case 'PATCH':
        return { status: 200, location: `${BASE}${op.endpoint}/${op.id}`, version: `W/"${op.id}-2"` };
      case 'DELETE':
        return { status: 204 };
    }
  };

  call(bulkIdOrId: string, step?: ResolvedOperation['step']): ResolvedOperation | undefined {
    return this.calls.find(
      (c) => (c.bulkId === bulkIdOrId || c.id === bulkIdOrId) && (!step || c.step === step),
    );
  }
}

const user = (bulkId: string, userName = bulkId, extra: Record<string, unknown> = {}) => ({
  method: 'POST',
  path: '/Users',
  bulkId,
  data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, ...extra },
});

const group = (bulkId: string, memberValues: string[]) => ({
  method: 'POST',
  path: '/Groups',
  bulkId,
  data: {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: bulkId,
    members: memberValues.map((value) => ({ type: 'User', value })),
  },
});

describe(runBulk.name, () => {
  let fake: FakeExecutor;
  const sut = runBulk;

  beforeEach(() => {
    fake = new FakeExecutor();
  });

  describe('responses (RFC 7644 §3.7.3)', () => {
    it('answers with the BulkResponse schema', async () => {
      const response = await sut(request([user('qwerty')]), fake.execute);
      expect(response.schemas).toEqual([BULK_RESPONSE_SCHEMA]);
    });

    it('reports a POST with bulkId, location, version and status as a string', async () => {
      const response = await sut(request([user('qwerty')]), fake.execute);
      expect(response.Operations).toEqual([
        {
          method: 'POST',
          bulkId: 'qwerty',
          location: `${BASE}/Users/u1`,
          version: 'W/"u1-1"',
          status: '201',
        },
      ]);
    });

    it('reports PUT, PATCH and DELETE with their statuses', async () => {
      const response = await sut(
        request([
          { method: 'put', path: '/Users/a1', data: { userName: 'x' } },
          { method: 'PATCH', path: '/Groups/g9', data: { schemas: [PATCH_OP_SCHEMA], Operations: [] } },
          { method: 'DELETE', path: '/Users/a2' },
        ]),
        fake.execute,
        { baseUrl: `${BASE}/` },
      );
      expect(response.Operations).toEqual([
        { method: 'PUT', location: `${BASE}/Users/a1`, version: 'W/"a1-2"', status: '200' },
        { method: 'PATCH', location: `${BASE}/Groups/g9`, version: 'W/"g9-2"', status: '200' },
        { method: 'DELETE', location: `${BASE}/Users/a2`, status: '204' },
      ]);
    });

    it('omits a location it cannot know (no executor location, no baseUrl)', async () => {
      const response = await sut(request([{ method: 'DELETE', path: '/Users/a2' }]), fake.execute);
      expect(response.Operations[0]).toEqual({ method: 'DELETE', status: '204' });
    });

    it('passes version (If-Match) to the executor', async () => {
      await sut(request([{ method: 'DELETE', path: '/Users/a2', version: 'W/"3"' }]), fake.execute);
      expect(fake.calls[0]).toMatchObject({
        method: 'DELETE',
        id: 'a2',
        version: 'W/"3"',
        step: 'operation',
      });
    });

    it('echoes a response body the executor gives', async () => {
      const response = await sut(request([user('a')]), async () => ({
        status: 201,
        id: 'x',
        response: { id: 'x' },
      }));
      expect(response.Operations[0].response).toEqual({ id: 'x' });
    });
  });

  describe('bulkId references (RFC 7644 §3.7.2)', () => {
    it('replaces a member reference with the id created earlier', async () => {
      await sut(request([user('qwerty', 'Alice'), group('ytrewq', ['bulkId:qwerty'])]), fake.execute);
      expect(fake.call('ytrewq')!.data!.members).toEqual([{ type: 'User', value: 'u1' }]);
    });

    it('runs a group listed before the users it references after them (forward references)', async () => {
      const response = await sut(
        request([group('tour', ['bulkId:alice', 'bulkId:bob']), user('alice'), user('bob')]),
        fake.execute,
      );
      expect(fake.calls.map((c) => c.bulkId)).toEqual(['alice', 'bob', 'tour']);
      expect(fake.call('tour')!.data!.members).toEqual([
        { type: 'User', value: 'u1' },
        { type: 'User', value: 'u2' },
      ]);
      expect(response.Operations.map((o) => o.bulkId)).toEqual(['tour', 'alice', 'bob']);
      expect(response.Operations.every((o) => o.status === '201')).toBe(true);
    });

    it('resolves members created both before and after the group in the request', async () => {
      await sut(
        request([
          user('early'),
          group('mixed', ['bulkId:early', 'bulkId:late', 'existing-id']),
          user('late'),
        ]),
        fake.execute,
      );
      expect(fake.calls.map((c) => c.bulkId)).toEqual(['early', 'late', 'mixed']);
      expect(fake.call('mixed')!.data!.members).toEqual([
        { type: 'User', value: 'u1' },
        { type: 'User', value: 'u2' },
        { type: 'User', value: 'existing-id' },
      ]);
    });

    it('replaces a reference inside an extension (enterprise manager)', async () => {
      await sut(
        request([
          user('emp', 'employee', { [ENTERPRISE_USER_SCHEMA]: { manager: { value: 'bulkId:boss' } } }),
          user('boss'),
        ]),
        fake.execute,
      );
      expect(fake.call('emp')!.data![ENTERPRISE_USER_SCHEMA]).toEqual({ manager: { value: 'u1' } });
    });

    it('replaces a reference as the last segment of a $ref URI', async () => {
      await sut(
        request([
          user('a'),
          group('g', []),
          { method: 'PATCH', path: '/Groups/bulkId:g', data: { $ref: `${BASE}/Users/bulkId:a` } },
        ]),
        fake.execute,
      );
      expect(fake.calls[2].data).toEqual({ $ref: `${BASE}/Users/u1` });
    });

    it('replaces a reference in the path of PUT, PATCH and DELETE', async () => {
      const response = await sut(
        request([
          { method: 'PATCH', path: '/Users/bulkId:a', data: { schemas: [PATCH_OP_SCHEMA], Operations: [] } },
          { method: 'DELETE', path: '/Users/bulkId:a' },
          user('a'),
        ]),
        fake.execute,
        { baseUrl: BASE },
      );
      expect(fake.calls.slice(1).map((c) => [c.method, c.path, c.id])).toEqual([
        ['PATCH', '/Users/u1', 'u1'],
        ['DELETE', '/Users/u1', 'u1'],
      ]);
      expect(response.Operations[1]).toEqual({
        method: 'DELETE',
        location: `${BASE}/Users/u1`,
        status: '204',
      });
    });

    it('leaves text that only mentions bulkId alone', async () => {
      await sut(
        request([user('a'), user('b', 'b', { displayName: 'see bulkId:a for details' })]),
        fake.execute,
      );
      expect(fake.call('b')!.data!.displayName).toBe('see bulkId:a for details');
    });

    it('does not modify the request', async () => {
      const parsed = request([user('a'), group('g', ['bulkId:a'])]);
      await sut(parsed, fake.execute);
      expect(parsed.operations[1].data!.members).toEqual([{ type: 'User', value: 'bulkId:a' }]);
    });

    it('fails a reference to an unknown bulkId with 400 invalidValue, and only that operation', async () => {
      const response = await sut(request([group('g', ['bulkId:nobody']), user('a')]), fake.execute);
      expect(response.Operations[0]).toMatchObject({
        method: 'POST',
        bulkId: 'g',
        status: '400',
        response: { status: '400', scimType: 'invalidValue' },
      });
      expect((response.Operations[0].response as { detail: string }).detail).toContain("bulkId 'nobody'");
      expect(response.Operations[0]).not.toHaveProperty('location');
      expect(response.Operations[1].status).toBe('201');
      expect(fake.call('g')).toBeUndefined();
    });

    it('fails a reference to a POST that failed with 409, without calling the executor', async () => {
      fake.failWhen = (op) => (op.bulkId === 'a' ? ScimError.uniqueness('userName exists') : undefined);
      const response = await sut(request([user('a'), group('g', ['bulkId:a'])]), fake.execute);
      expect(response.Operations[1]).toMatchObject({
        bulkId: 'g',
        status: '409',
        response: { status: '409' },
      });
      expect((response.Operations[1].response as { detail: string }).detail).toContain('Operations[0]');
      expect(fake.call('g')).toBeUndefined();
    });

    it('fails operations that depend on a failed operation transitively', async () => {
      fake.failWhen = (op) => (op.bulkId === 'a' ? ScimError.invalidValue('bad') : undefined);
      const response = await sut(
        request([group('outer', ['bulkId:inner']), group('inner', ['bulkId:a']), user('a')]),
        fake.execute,
      );
      expect(response.Operations.map((o) => o.status)).toEqual(['409', '409', '400']);
    });
  });

  describe('circular references (RFC 7644 §3.7.1)', () => {
    it('creates two groups that contain each other', async () => {
      const response = await sut(request([group('A', ['bulkId:B']), group('B', ['bulkId:A'])]), fake.execute);
      expect(response.Operations).toEqual([
        { method: 'POST', bulkId: 'A', location: `${BASE}/Groups/g1`, version: 'W/"g1-2"', status: '201' },
        { method: 'POST', bulkId: 'B', location: `${BASE}/Groups/g2`, version: 'W/"g2-1"', status: '201' },
      ]);
    });

    it('creates the first group without the pending member, then adds it with a PatchOp', async () => {
      await sut(request([group('A', ['bulkId:B']), group('B', ['bulkId:A'])]), fake.execute);
      expect(fake.calls.map((c) => [c.step, c.method, c.bulkId])).toEqual([
        ['circularCreate', 'POST', 'A'],
        ['operation', 'POST', 'B'],
        ['circularComplete', 'PATCH', 'A'],
      ]);
      expect(fake.calls[0].data!.members).toEqual([]);
      expect(fake.calls[1].data!.members).toEqual([{ type: 'User', value: 'g1' }]);
      expect(fake.calls[2]).toMatchObject({
        id: 'g1',
        path: '/Groups/g1',
        data: {
          schemas: [PATCH_OP_SCHEMA],
          Operations: [{ op: 'add', path: 'members', value: [{ type: 'User', value: 'g2' }] }],
        },
      });
    });

    it('keeps resolvable members in the first create', async () => {
      await sut(
        request([user('u'), group('A', ['bulkId:u', 'bulkId:B']), group('B', ['bulkId:A'])]),
        fake.execute,
      );
      expect(fake.call('A', 'circularCreate')!.data!.members).toEqual([{ type: 'User', value: 'u1' }]);
    });

    it('creates a group that contains itself', async () => {
      const response = await sut(request([group('self', ['bulkId:self'])]), fake.execute);
      expect(response.Operations[0].status).toBe('201');
      expect(fake.call('self', 'circularComplete')!.data!.Operations).toEqual([
        { op: 'add', path: 'members', value: [{ type: 'User', value: 'g1' }] },
      ]);
    });

    it('resolves a cycle of three', async () => {
      const response = await sut(
        request([group('A', ['bulkId:B']), group('B', ['bulkId:C']), group('C', ['bulkId:A'])]),
        fake.execute,
      );
      expect(response.Operations.map((o) => o.status)).toEqual(['201', '201', '201']);
      expect(fake.calls.map((c) => [c.step, c.bulkId])).toEqual([
        ['circularCreate', 'A'],
        ['operation', 'C'],
        ['operation', 'B'],
        ['circularComplete', 'A'],
      ]);
    });

    it('defers an extension value by its full attribute path', async () => {
      await sut(
        request([
          user('a', 'a', { [ENTERPRISE_USER_SCHEMA]: { department: 'x', manager: { value: 'bulkId:b' } } }),
          user('b', 'b', { [ENTERPRISE_USER_SCHEMA]: { manager: { value: 'bulkId:a' } } }),
        ]),
        fake.execute,
      );
      expect(fake.calls[0].data![ENTERPRISE_USER_SCHEMA]).toEqual({ department: 'x' });
      expect(fake.call('a', 'circularComplete')!.data!.Operations).toEqual([
        { op: 'add', path: `${ENTERPRISE_USER_SCHEMA}:manager`, value: { value: 'u2' } },
      ]);
    });

    it('reports 409 for the rest of the cycle when the first create fails', async () => {
      fake.failWhen = (op) =>
        op.step === 'circularCreate' ? ScimError.invalidValue('members required') : undefined;
      const response = await sut(request([group('A', ['bulkId:B']), group('B', ['bulkId:A'])]), fake.execute);
      expect(response.Operations.map((o) => o.status)).toEqual(['400', '409']);
    });

    it('reports the created resource with the error when the completing PATCH fails', async () => {
      fake.failWhen = (op) =>
        op.step === 'circularComplete' ? ScimError.noTarget('member vanished') : undefined;
      const response = await sut(request([group('A', ['bulkId:B']), group('B', ['bulkId:A'])]), fake.execute);
      expect(response.Operations[0]).toMatchObject({
        method: 'POST',
        bulkId: 'A',
        location: `${BASE}/Groups/g1`,
        status: '400',
        response: { scimType: 'noTarget' },
      });
      expect((response.Operations[0].response as { detail: string }).detail).toContain('created as g1');
      expect(response.Operations[1].status).toBe('201');
    });
  });

  describe('executor failures', () => {
    it('turns a ScimError into that operation’s error response', async () => {
      fake.failWhen = (op) => (op.bulkId === 'a' ? ScimError.uniqueness("userName 'a' is taken") : undefined);
      const response = await sut(request([user('a'), user('b')]), fake.execute);
      expect(response.Operations[0]).toEqual({
        method: 'POST',
        bulkId: 'a',
        status: '409',
        response: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: '409',
          scimType: 'uniqueness',
          detail: "userName 'a' is taken",
        },
      });
      expect(response.Operations[1].status).toBe('201');
    });

    it('gives a failed PUT its location', async () => {
      fake.failWhen = () => ScimError.notFound('no such user');
      const response = await sut(request([{ method: 'PUT', path: '/Users/zz', data: {} }]), fake.execute, {
        baseUrl: BASE,
      });
      expect(response.Operations[0]).toMatchObject({ location: `${BASE}/Users/zz`, status: '404' });
    });

    it('answers any other exception with 500, without leaking its message, and reports it', async () => {
      const boom = new Error('db password is hunter2');
      fake.failWhen = () => boom;
      const onUnexpectedError = jest.fn();
      const response = await sut(request([user('a')]), fake.execute, { onUnexpectedError });
      expect(response.Operations[0]).toMatchObject({ status: '500', response: { status: '500' } });
      expect(JSON.stringify(response)).not.toContain('hunter2');
      expect(onUnexpectedError).toHaveBeenCalledWith(boom, expect.objectContaining({ bulkId: 'a' }));
    });

    it('treats an error status returned without throwing as a failure', async () => {
      const response = await sut(request([user('a'), group('g', ['bulkId:a'])]), async (op) =>
        op.bulkId === 'a' ? { status: 409 } : { status: 201, id: 'g1' },
      );
      expect(response.Operations.map((o) => o.status)).toEqual(['409', '409']);
    });

    it('answers 500 when a successful POST comes back without an id', async () => {
      const response = await sut(request([user('a')]), async () => ({ status: 201 }));
      expect(response.Operations[0].status).toBe('500');
    });
  });

  describe('failOnErrors (RFC 7644 §3.7)', () => {
    const failB = (op: ResolvedOperation) =>
      op.bulkId?.startsWith('bad') ? ScimError.invalidValue('bad') : undefined;

    it('runs and reports every operation when absent, even if all fail', async () => {
      fake.failWhen = () => ScimError.invalidValue('no');
      const response = await sut(request([user('a'), user('b'), user('c')]), fake.execute);
      expect(response.Operations.map((o) => o.status)).toEqual(['400', '400', '400']);
    });

    it('stops after the first error with failOnErrors 1: later operations are neither run nor reported', async () => {
      fake.failWhen = failB;
      const response = await sut(request([user('a'), user('bad1'), user('c')], 1), fake.execute);
      expect(response.Operations.map((o) => [o.bulkId, o.status])).toEqual([
        ['a', '201'],
        ['bad1', '400'],
      ]);
      expect(fake.call('c')).toBeUndefined();
    });

    it('tolerates errors below the limit', async () => {
      fake.failWhen = failB;
      const response = await sut(
        request([user('bad1'), user('b'), user('bad2'), user('d')], 2),
        fake.execute,
      );
      expect(response.Operations.map((o) => o.bulkId)).toEqual(['bad1', 'b', 'bad2']);
    });

    it('counts reference failures as errors', async () => {
      const response = await sut(request([group('g', ['bulkId:missing']), user('a')], 1), fake.execute);
      expect(response.Operations.map((o) => o.status)).toEqual(['400']);
      expect(fake.calls).toHaveLength(0);
    });

    it('lets options override the request', async () => {
      fake.failWhen = failB;
      const response = await sut(request([user('bad1'), user('b')], 5), fake.execute, { failOnErrors: 1 });
      expect(response.Operations).toHaveLength(1);
    });
  });
});
