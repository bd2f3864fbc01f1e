import { mock } from 'jest-mock-extended';
import { ctx, resourceFixture, settings } from '../resources/resource-test.fixtures';
import { ResourceWriter } from '../resources/resource-writer.service';
import { ScimError } from '../scim/errors';
import { BULK_REQUEST_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../scim/schema/schema-urns';
import { BulkService } from './bulk.service';

const ID = 'a0000000-0000-4000-8000-000000000001';
const view = { body: { id: ID }, version: 'W/"1-a0000000"', location: `${ctx.baseUrl}/Users/${ID}` };

describe(BulkService.name, () => {
  const writer = mock<ResourceWriter>();
  const sut = new BulkService(writer, settings, resourceFixture().registry);

  beforeEach(() => {
    jest.clearAllMocks();
    writer.create.mockResolvedValue(view);
    writer.patch.mockResolvedValue(view);
    writer.replace.mockResolvedValue(view);
  });

  it('dispatches each operation to the writer command a single request would use, bulkIds resolved', async () => {
    const patch = {
      schemas: [PATCH_OP_SCHEMA],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    };
    const body = {
      schemas: [BULK_REQUEST_SCHEMA],
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'a', data: { schemas: [USER_SCHEMA], userName: 'a' } },
        { method: 'PATCH', path: '/Users/bulkId:a', data: patch },
        {
          method: 'PUT',
          path: `/Users/${ID}`,
          version: 'W/"1-a0000000"',
          data: { schemas: [USER_SCHEMA], userName: 'b' },
        },
        { method: 'DELETE', path: `/Users/${ID}` },
      ],
    };
    const response = await sut.run(ctx, body, 100);
    expect(response.Operations.map((o) => o.status)).toEqual(['201', '200', '200', '204']);
    expect(writer.patch).toHaveBeenCalledWith(ctx, 'User', ID, patch, undefined, 'none');
    expect(writer.replace).toHaveBeenCalledWith(ctx, 'User', ID, expect.anything(), 'W/"1-a0000000"');
    expect(writer.delete).toHaveBeenCalledWith(ctx, 'User', ID, undefined);
  });

  it("reports a failed operation's error in its place and stops at failOnErrors", async () => {
    writer.create.mockRejectedValue(ScimError.uniqueness('userName "a" is taken'));
    const body = {
      schemas: [BULK_REQUEST_SCHEMA],
      failOnErrors: 1,
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'a', data: { schemas: [USER_SCHEMA], userName: 'a' } },
        { method: 'DELETE', path: `/Users/${ID}` },
      ],
    };
    const response = await sut.run(ctx, body, 100);
    expect(response.Operations.map((o) => o.status)).toEqual(['409']);
    expect(writer.delete).not.toHaveBeenCalled();
  });

  it('refuses a body over the payload limit with 413 before running anything', async () => {
    const body = { schemas: [BULK_REQUEST_SCHEMA], Operations: [{ method: 'DELETE', path: `/Users/${ID}` }] };
    await expect(sut.run(ctx, body, settings.bulkMaxPayloadSize + 1)).rejects.toMatchObject({ status: 413 });
    expect(writer.delete).not.toHaveBeenCalled();
  });
});
