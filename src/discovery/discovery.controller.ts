import { Controller, Get, Param, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthenticationSchemes } from '../auth/oauth/oauth-authentication-schemes';
import { RequiresAccess } from '../auth/scim-access';
import { ListResult } from '../http/list-result';
import { SCIM_BASE_PATH, ScimContextFactory } from '../resources/scim-context.factory';
import { ScimSettings } from '../resources/scim-settings';
import { resourceTypeResources, schemaResources, serviceProviderConfig } from '../scim/discovery/discovery';
import { ScimError } from '../scim/errors';
import { SchemaRegistry } from '../scim/schema/schema.registry';
import { AppConfig } from '../config/app-config';
import { PUBLISHED_EVENT_URIS } from '../streaming/set/scim-events';
import { setIssuer } from '../streaming/set/set-issuer';

/**
 * RFC 7644 §4: "If a 'filter' is provided, the service provider SHOULD respond with HTTP status code 403
 * (Forbidden) to ensure that clients cannot incorrectly assume that any matching conditions specified in a
 * filter are true." Any `filter` counts, even an empty one: it was provided, and would otherwise be ignored.
 */
function refuseFilter(request: FastifyRequest): void {
  const query = request.query as Record<string, unknown> | undefined;
  if (query?.filter === undefined) return;
  throw ScimError.forbidden(
    'Discovery endpoints do not support filtering (RFC 7644 §4): remove the "filter" parameter',
  );
}

/**
 * RFC 7644 §4 discovery. Served to authenticated clients (it describes this tenant's server) and needs no data.
 * Every capability is read from the settings the code enforces, so the document cannot drift from behaviour.
 */
@ApiTags('Discovery')
@ApiBearerAuth()
// No tenant data: any valid credential may read it, whatever its scopes.
@RequiresAccess('any')
@Controller(SCIM_BASE_PATH)
export class DiscoveryController {
  constructor(
    private readonly registry: SchemaRegistry,
    private readonly settings: ScimSettings,
    private readonly contexts: ScimContextFactory,
    private readonly authenticationSchemes: AuthenticationSchemes,
    private readonly config: AppConfig,
  ) {}

  @Get('ServiceProviderConfig')
  @ApiOperation({ summary: 'Capabilities of this server (RFC 7643 §5, RFC 9865 §4)' })
  serviceProviderConfig(@Req() request: FastifyRequest) {
    refuseFilter(request);
    const s = this.settings;
    const baseUrl = this.contexts.baseUrl(request);
    return serviceProviderConfig({
      baseUrl,
      patch: true,
      bulk: { supported: true, maxOperations: s.bulkMaxOperations, maxPayloadSize: s.bulkMaxPayloadSize },
      filter: { supported: true, maxResults: s.maxPageSize },
      changePassword: true,
      sort: true,
      etag: true,
      pagination: {
        cursor: true,
        index: true,
        defaultPaginationMethod: 'index',
        defaultPageSize: s.defaultPageSize,
        maxPageSize: s.maxPageSize,
        cursorTimeout: s.cursorTimeoutSeconds,
      },
      authenticationSchemes: this.authenticationSchemes.list(baseUrl),
      // RFC 9967 §4: advertised once SETs can be issued (an issuer is configured); requests are synchronous.
      ...(setIssuer(this.config) !== undefined
        ? { securityEvents: { asyncRequest: 'none' as const, eventUris: PUBLISHED_EVENT_URIS } }
        : {}),
    });
  }

  @Get('ResourceTypes')
  @ApiOperation({ summary: 'Resource types (RFC 7643 §6)' })
  resourceTypes(@Req() request: FastifyRequest) {
    refuseFilter(request);
    const resources = resourceTypeResources(this.registry, this.contexts.baseUrl(request));
    return new ListResult({ resources, totalResults: resources.length, startIndex: 1 });
  }

  @Get('ResourceTypes/:name')
  @ApiOperation({ summary: 'One resource type' })
  resourceType(@Req() request: FastifyRequest, @Param('name') name: string) {
    refuseFilter(request);
    const found = resourceTypeResources(this.registry, this.contexts.baseUrl(request)).find(
      (r) => String(r.id).toLowerCase() === name.toLowerCase(),
    );
    if (!found) throw ScimError.notFound(`ResourceType ${JSON.stringify(name)} not found`);
    return found;
  }

  @Get('Schemas')
  @ApiOperation({ summary: 'Schemas with every attribute (RFC 7643 §7)' })
  schemas(@Req() request: FastifyRequest) {
    refuseFilter(request);
    const resources = schemaResources(this.registry, this.contexts.baseUrl(request));
    return new ListResult({ resources, totalResults: resources.length, startIndex: 1 });
  }

  @Get('Schemas/:urn')
  @ApiOperation({ summary: 'One schema, by URN' })
  schema(@Req() request: FastifyRequest, @Param('urn') urn: string) {
    refuseFilter(request);
    const found = schemaResources(this.registry, this.contexts.baseUrl(request)).find(
      (r) => String(r.id).toLowerCase() === urn.toLowerCase(),
    );
    if (!found) throw ScimError.notFound(`Schema ${JSON.stringify(urn)} not found`);
    return found;
  }
}
