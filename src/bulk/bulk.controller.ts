import { Body, Controller, HttpCode, Logger, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal';
import { Tenant } from '../http/tenant.decorator';
import { ResourceService, ScimRequestContext } from '../resources/resource.service';
import { SCIM_BASE_PATH, ScimContextFactory } from '../resources/scim-context.factory';
import { ScimSettings } from '../resources/scim-settings';
import { parseBulkRequest } from '../scim/bulk/bulk-request.parser';
import { runBulk } from '../scim/bulk/bulk.runner';
import { BulkOperationOutcome, ResolvedOperation } from '../scim/bulk/bulk.types';
import { ScimError } from '../scim/errors';
import { SchemaRegistry } from '../scim/schema/schema.registry';
import { BULK_REQUEST_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../scim/schema/schema-urns';

/** RFC 7644 §3.7 bulk: each operation goes through the same service as a single request would. */
@ApiTags('Bulk')
@ApiBearerAuth()
@Controller(SCIM_BASE_PATH)
export class BulkController {
  private readonly logger = new Logger(BulkController.name);

  constructor(
    private readonly service: ResourceService,
    private readonly contexts: ScimContextFactory,
    private readonly settings: ScimSettings,
    private readonly registry: SchemaRegistry,
  ) {}

  @Post('Bulk')
  @HttpCode(200)
  @ApiOperation({ summary: 'Several operations in one request, with bulkId references (RFC 7644 §3.7)' })
  @ApiBody({
    schema: {
      type: 'object',
      example: {
        schemas: [BULK_REQUEST_SCHEMA],
        failOnErrors: 1,
        Operations: [
          {
            method: 'POST',
            path: '/Users',
            bulkId: 'qwerty',
            data: { schemas: [USER_SCHEMA], userName: 'alice' },
          },
          {
            method: 'PATCH',
            path: '/Users/bulkId:qwerty',
            data: {
              schemas: [PATCH_OP_SCHEMA],
              Operations: [{ op: 'replace', path: 'active', value: false }],
            },
          },
        ],
      },
    },
  })
  async bulk(@Tenant() principal: Principal, @Req() request: FastifyRequest, @Body() body: unknown) {
    const payloadBytes = Number(
      request.headers['content-length'] ?? Buffer.byteLength(JSON.stringify(body ?? null)),
    );
    const parsed = parseBulkRequest(
      body,
      { maxOperations: this.settings.bulkMaxOperations, maxPayloadSize: this.settings.bulkMaxPayloadSize },
      payloadBytes,
      this.registry.allResourceTypes().map((t) => t.endpoint),
    );
    const ctx = this.contexts.create(principal, request);
    return runBulk(parsed, (operation) => this.execute(ctx, operation), {
      failOnErrors: parsed.failOnErrors,
      baseUrl: ctx.baseUrl,
      onUnexpectedError: (error) => this.logger.error(error),
    });
  }

  private async execute(
    ctx: ScimRequestContext,
    operation: ResolvedOperation,
  ): Promise<BulkOperationOutcome> {
    // The embedded store commits synchronously, so without a pause a 1,000-operation request would hold the
    // event loop for its whole duration: probes, other clients and signals would wait. Yield between operations.
    await new Promise((resolve) => setImmediate(resolve));
    const type = this.registry.allResourceTypes().find((t) => t.endpoint === operation.endpoint);
    if (!type) throw ScimError.invalidPath(`Unknown endpoint ${operation.endpoint}`);
    const resourceType = type.name;
    switch (operation.method) {
      case 'POST': {
        const view = await this.service.create(ctx, resourceType, operation.data);
        return { status: 201, location: view.location, version: view.version, id: String(view.body.id) };
      }
      case 'PUT': {
        const view = await this.service.replace(
          ctx,
          resourceType,
          operation.id!,
          operation.data,
          operation.version,
        );
        return { status: 200, location: view.location, version: view.version };
      }
      case 'PATCH': {
        const view = await this.service.patch(
          ctx,
          resourceType,
          operation.id!,
          operation.data,
          operation.version,
          'none',
        );
        return { status: 200, location: view.location, version: view.version };
      }
      case 'DELETE':
        await this.service.delete(ctx, resourceType, operation.id!, operation.version);
        return { status: 204, location: `${ctx.baseUrl}${operation.endpoint}/${operation.id}` };
    }
  }
}
