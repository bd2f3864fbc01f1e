import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal';
import { Tenant } from '../auth/tenant.decorator';
import { receivedBodyBytes } from '../http/body-parsers';
import { SCIM_BASE_PATH, ScimContextFactory } from '../resources/scim-context.factory';
import { BULK_REQUEST_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../scim/schema/schema-urns';
import { BulkService } from './bulk.service';

/** RFC 7644 §3.7 bulk: thin; BulkService runs the operations. */
@ApiTags('Bulk')
@ApiBearerAuth()
@Controller(SCIM_BASE_PATH)
export class BulkController {
  constructor(
    private readonly bulkService: BulkService,
    private readonly contexts: ScimContextFactory,
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
    // The bytes received, also without Content-Length (chunked): never a re-serialisation of the parsed body.
    const payloadBytes = receivedBodyBytes(request) ?? Number(request.headers['content-length'] ?? 0);
    return this.bulkService.run(this.contexts.create(principal, request), body, payloadBytes);
  }
}
