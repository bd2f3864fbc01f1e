import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Type,
  UsePipes,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal';
import { ListResult } from '../http/list-result';
import { entityTag } from '../http/scim-envelope.interceptor';
import { ScimResponse } from '../http/scim-response';
import { Tenant } from '../auth/tenant.decorator';
import { matchesIfNoneMatch } from './preconditions';
import { AttributesQueryDto, ListQueryDto, scimQueryValidation } from './query.dto';
import { ResourceQueryService } from './resource-query.service';
import { ResourceWriter } from './resource-writer.service';
import { ResourceView } from './resource.types';
import { SCIM_BASE_PATH, ScimContextFactory } from './scim-context.factory';

export interface ResourceEndpoint {
  /** Resource type name (RFC 7643 §6), e.g. "User". */
  resourceType: string;
  /** Endpoint path segment, e.g. "Users". */
  endpoint: string;
  /**
   * PATCH without attributes/excludedAttributes answers 204 instead of 200 + resource (RFC 7644 §3.5.2 allows
   * both). Entra expects 204 for groups (re-reading a 100k-member group after every change would be wasteful)
   * and 200 with the user for users (docs/entra.md §4.5, §4.12).
   */
  patchAnswersNoContent: boolean;
  example: Record<string, unknown>;
}

/**
 * RFC 7644 §3.3 / §3.14: Location (on 201) and ETag come from the resource itself, not from the body, which
 * `attributes` / `excludedAttributes` may have stripped of meta.
 */
function withResourceHeaders(response: ScimResponse, view: ResourceView): ScimResponse {
  const withEtag = response.withHeader('ETag', entityTag(view.version));
  return response.status === 201 ? withEtag.withHeader('Location', view.location) : withEtag;
}

/** Prefer: return=minimal (RFC 7240 §4.2) asks for no body. */
function prefersMinimal(prefer: string | undefined): boolean {
  return !!prefer && /(^|[,;\s])return\s*=\s*"?minimal"?/i.test(prefer);
}

/**
 * The RFC 7644 §3 operations of one resource endpoint. Users and Groups behave the same way apart from the
 * PATCH answer, so one class per endpoint is generated from the same code (thin: writes happen in
 * ResourceWriter, reads in ResourceQueryService, both on the engine).
 */
export function createResourceController(spec: ResourceEndpoint): Type<unknown> {
  const { resourceType, endpoint } = spec;

  @ApiTags(endpoint)
  @ApiBearerAuth()
  @Controller(`${SCIM_BASE_PATH}/${endpoint}`)
  @UsePipes(scimQueryValidation)
  class ResourceController {
    constructor(
      readonly writer: ResourceWriter,
      readonly queries: ResourceQueryService,
      readonly contexts: ScimContextFactory,
    ) {}

    @Post()
    @ApiOperation({ summary: `Create a ${resourceType} (RFC 7644 §3.3)` })
    @ApiBody({ schema: { type: 'object', example: spec.example } })
    @ApiResponse({ status: 201, description: 'Created; Location and ETag headers are set' })
    @ApiResponse({ status: 409, description: 'uniqueness' })
    async create(
      @Tenant() principal: Principal,
      @Req() request: FastifyRequest,
      @Body() body: unknown,
      @Query() query: AttributesQueryDto,
    ) {
      const view = await this.writer.create(
        this.contexts.create(principal, request),
        resourceType,
        body,
        query,
      );
      return withResourceHeaders(ScimResponse.created(view.body), view);
    }

    @Get()
    @ApiOperation({ summary: `List or filter ${endpoint} (RFC 7644 §3.4.2)` })
    async list(@Tenant() principal: Principal, @Req() request: FastifyRequest, @Query() query: ListQueryDto) {
      const page = await this.queries.list(this.contexts.create(principal, request), resourceType, query);
      return new ListResult(page);
    }

    @Get(':id')
    @ApiOperation({ summary: `Read a ${resourceType} (RFC 7644 §3.4.1)` })
    @ApiParam({ name: 'id' })
    @ApiHeader({ name: 'If-None-Match', required: false, description: 'Answer 304 when the version matches' })
    async get(
      @Tenant() principal: Principal,
      @Req() request: FastifyRequest,
      @Param('id') id: string,
      @Query() query: AttributesQueryDto,
      @Headers('if-none-match') ifNoneMatch?: string,
    ) {
      const ctx = this.contexts.create(principal, request);
      if (ifNoneMatch) {
        const version = await this.queries.version(ctx, resourceType, id);
        if (matchesIfNoneMatch(ifNoneMatch, version)) return ScimResponse.notModified(version);
      }
      const view = await this.queries.get(ctx, resourceType, id, query);
      return withResourceHeaders(ScimResponse.ok(view.body), view);
    }

    @Put(':id')
    @ApiOperation({ summary: `Replace a ${resourceType} (RFC 7644 §3.5.1)` })
    @ApiBody({ schema: { type: 'object', example: spec.example } })
    @ApiHeader({ name: 'If-Match', required: false, description: 'Answer 412 when the version has changed' })
    async replace(
      @Tenant() principal: Principal,
      @Req() request: FastifyRequest,
      @Param('id') id: string,
      @Body() body: unknown,
      @Query() query: AttributesQueryDto,
      @Headers('if-match') ifMatch?: string,
    ) {
      const ctx = this.contexts.create(principal, request);
      const view = await this.writer.replace(ctx, resourceType, id, body, ifMatch, query);
      return withResourceHeaders(ScimResponse.ok(view.body), view);
    }

    @Patch(':id')
    @ApiOperation({ summary: `Modify a ${resourceType} with a PatchOp (RFC 7644 §3.5.2)` })
    @ApiBody({
      schema: {
        type: 'object',
        example: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [
            {
              op: 'replace',
              path: resourceType === 'Group' ? 'displayName' : 'active',
              value: resourceType === 'Group' ? 'Sales' : false,
            },
          ],
        },
      },
    })
    @ApiHeader({ name: 'If-Match', required: false })
    async patch(
      @Tenant() principal: Principal,
      @Req() request: FastifyRequest,
      @Param('id') id: string,
      @Body() body: unknown,
      @Query() query: AttributesQueryDto,
      @Headers('if-match') ifMatch?: string,
      @Headers('prefer') prefer?: string,
    ) {
      const ctx = this.contexts.create(principal, request);
      const asked = query.attributes !== undefined || query.excludedAttributes !== undefined;
      const noBody = prefersMinimal(prefer) || (spec.patchAnswersNoContent && !asked);
      const view = await this.writer.patch(ctx, resourceType, id, body, ifMatch, noBody ? 'none' : query);
      return withResourceHeaders(noBody ? ScimResponse.noContent() : ScimResponse.ok(view.body), view);
    }

    @Delete(':id')
    @HttpCode(204)
    @ApiOperation({ summary: `Delete a ${resourceType} (RFC 7644 §3.6)` })
    @ApiHeader({ name: 'If-Match', required: false })
    async remove(
      @Tenant() principal: Principal,
      @Req() request: FastifyRequest,
      @Param('id') id: string,
      @Headers('if-match') ifMatch?: string,
    ) {
      await this.writer.delete(this.contexts.create(principal, request), resourceType, id, ifMatch);
      return ScimResponse.noContent();
    }
  }

  Object.defineProperty(ResourceController, 'name', { value: `${endpoint}Controller` });
  return ResourceController;
}
