import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal';
import { RequiresAccess } from '../auth/scim-access';
import { ListResult } from '../http/list-result';
import { Tenant } from '../auth/tenant.decorator';
import { ResourceQueryService } from '../resources/resource-query.service';
import { SCIM_BASE_PATH, ScimContextFactory } from '../resources/scim-context.factory';
import { SEARCH_REQUEST_SCHEMA } from '../scim/schema/schema-urns';
import { parseSearchRequest } from './search-request';

const EXAMPLE = {
  schemas: [SEARCH_REQUEST_SCHEMA],
  filter: 'userName sw "b"',
  attributes: ['userName', 'emails'],
  sortBy: 'userName',
  startIndex: 1,
  count: 10,
};

/** RFC 7644 §3.4.3: POST /.search on a resource endpoint and at the root across resource types. */
@ApiTags('Search')
@ApiBearerAuth()
// A search is a read although it is a POST.
@RequiresAccess('read')
@Controller(SCIM_BASE_PATH)
export class SearchController {
  constructor(
    private readonly queries: ResourceQueryService,
    private readonly contexts: ScimContextFactory,
  ) {}

  @Post('Users/.search')
  @HttpCode(200)
  @ApiOperation({ summary: 'Search Users with a SearchRequest body' })
  @ApiBody({ schema: { type: 'object', example: EXAMPLE } })
  users(@Tenant() principal: Principal, @Req() request: FastifyRequest, @Body() body: unknown) {
    return this.run(principal, request, ['User'], body);
  }

  @Post('Groups/.search')
  @HttpCode(200)
  @ApiOperation({ summary: 'Search Groups with a SearchRequest body' })
  @ApiBody({
    schema: {
      type: 'object',
      example: {
        ...EXAMPLE,
        filter: 'displayName sw "Tour"',
        attributes: ['displayName'],
        sortBy: 'displayName',
      },
    },
  })
  groups(@Tenant() principal: Principal, @Req() request: FastifyRequest, @Body() body: unknown) {
    return this.run(principal, request, ['Group'], body);
  }

  @Post('.search')
  @HttpCode(200)
  @ApiOperation({ summary: 'Search every resource type (Users, then Groups)' })
  @ApiBody({
    schema: {
      type: 'object',
      example: { schemas: [SEARCH_REQUEST_SCHEMA], filter: 'meta.lastModified gt "2026-01-01T00:00:00Z"' },
    },
  })
  all(@Tenant() principal: Principal, @Req() request: FastifyRequest, @Body() body: unknown) {
    return this.run(principal, request, ['User', 'Group'], body);
  }

  private async run(principal: Principal, request: FastifyRequest, types: string[], body: unknown) {
    const query = parseSearchRequest(body);
    return new ListResult(await this.queries.search(this.contexts.create(principal, request), types, query));
  }
}
