import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminApi } from './admin-api.decorator';
import { CreateTenantDto, UpdateTenantDto } from './admin.dto';
import { listView, ListView, TenantView } from './admin.views';
import { TenantAdminService } from './tenant-admin.service';

export const ADMIN_BASE_PATH = 'admin';

const TENANT_EXAMPLE: TenantView = {
  id: 'contoso',
  name: 'Contoso Ltd.',
  disabled: false,
  createdAt: '2026-01-31T09:00:00.000Z',
  settings: { strictExtensions: true },
  effectiveSettings: { strictExtensions: true, rateLimit: { requestsPerSecond: 200, burst: 400 } },
};

/** Tenants: each owns its users, groups, memberships, credentials and settings. Tenants are disabled, never deleted. */
@ApiTags('Admin: tenants')
@AdminApi()
@Controller(`${ADMIN_BASE_PATH}/tenants`)
export class TenantsController {
  constructor(private readonly admin: TenantAdminService) {}

  @Post()
  @ApiOperation({ summary: 'Create a tenant' })
  @ApiBody({
    type: CreateTenantDto,
    examples: {
      minimal: { value: { name: 'Contoso Ltd.' } },
      full: {
        value: {
          id: 'contoso',
          name: 'Contoso Ltd.',
          settings: { strictExtensions: true, rateLimit: { requestsPerSecond: 50, burst: 100 } },
        },
      },
    },
  })
  @ApiCreatedResponse({ schema: { example: TENANT_EXAMPLE } })
  create(@Body() body: CreateTenantDto): Promise<TenantView> {
    return this.admin.createTenant(body);
  }

  @Get()
  @ApiOperation({ summary: 'List every tenant, ordered by id' })
  @ApiOkResponse({ schema: { example: { totalResults: 1, items: [TENANT_EXAMPLE] } } })
  async list(): Promise<ListView<TenantView>> {
    return listView(await this.admin.listTenants());
  }

  @Get(':tenantId')
  @ApiOperation({ summary: 'Read a tenant' })
  @ApiOkResponse({ schema: { example: TENANT_EXAMPLE } })
  @ApiNotFoundResponse({ description: 'Unknown tenant' })
  get(@Param('tenantId') tenantId: string): Promise<TenantView> {
    return this.admin.getTenant(tenantId);
  }

  @Patch(':tenantId')
  @ApiOperation({
    summary: 'Rename, disable / enable a tenant, or change its settings',
    description:
      'Disabling takes effect on the next request: every static token and OAuth access token of the tenant ' +
      'is then answered 401 like an unknown token. Settings are merged; null returns a setting to the ' +
      'server-wide value.',
  })
  @ApiBody({
    type: UpdateTenantDto,
    examples: {
      disable: { value: { disabled: true } },
      enable: { value: { disabled: false } },
      settings: { value: { settings: { strictExtensions: false, rateLimit: { requestsPerSecond: 20 } } } },
      resetRateLimit: { value: { settings: { rateLimit: null } } },
    },
  })
  @ApiOkResponse({ schema: { example: { ...TENANT_EXAMPLE, disabled: true } } })
  @ApiNotFoundResponse({ description: 'Unknown tenant' })
  update(@Param('tenantId') tenantId: string, @Body() body: UpdateTenantDto): Promise<TenantView> {
    return this.admin.updateTenant(tenantId, body);
  }
}
