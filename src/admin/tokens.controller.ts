import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminApi } from './admin-api.decorator';
import { IssueTokenDto, RotateTokenDto } from './admin.dto';
import { IssuedTokenView, listView, ListView, TokenView } from './admin.views';
import { TenantAdminService } from './tenant-admin.service';
import { ADMIN_BASE_PATH } from './tenants.controller';

const TOKEN_EXAMPLE: TokenView = {
  id: '3f1c2a9e-5d1b-4c1e-9a53-0e8f3f6b2c11',
  tenantId: 'contoso',
  label: 'Entra provisioning',
  createdAt: '2026-01-31T09:00:00.000Z',
  expiresAt: '2027-01-31T00:00:00.000Z',
  status: 'active',
};
const ISSUED_EXAMPLE: IssuedTokenView = {
  ...TOKEN_EXAMPLE,
  token: 'q8yFz0cX3p0m5b2T7sV1wK9hJ4nL6rE8aD2gU5iO1xY',
};

/** Static bearer tokens of a tenant ("Secret Token" in Entra). The secret is shown once, at issue. */
@ApiTags('Admin: tokens')
@AdminApi()
@Controller(`${ADMIN_BASE_PATH}/tenants/:tenantId/tokens`)
export class TokensController {
  constructor(private readonly admin: TenantAdminService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Issue a token; its value is in this answer only (only its hash is stored)' })
  @ApiBody({
    type: IssueTokenDto,
    examples: {
      forever: { value: { label: 'Entra provisioning' } },
      expiring: { value: { label: 'Pilot', expiresAt: '2027-01-31T00:00:00Z' } },
    },
  })
  @ApiCreatedResponse({ schema: { example: ISSUED_EXAMPLE } })
  @ApiNotFoundResponse({ description: 'Unknown tenant' })
  issue(@Param('tenantId') tenantId: string, @Body() body: IssueTokenDto): Promise<IssuedTokenView> {
    return this.admin.issueToken(tenantId, body);
  }

  @Get()
  @ApiOperation({
    summary: 'List the tokens of a tenant (never their values), revoked and expired ones included',
  })
  @ApiOkResponse({ schema: { example: { totalResults: 1, items: [TOKEN_EXAMPLE] } } })
  async list(@Param('tenantId') tenantId: string): Promise<ListView<TokenView>> {
    return listView(await this.admin.listTokens(tenantId));
  }

  @Get(':tokenId')
  @ApiOperation({ summary: 'Read a token (never its value)' })
  @ApiOkResponse({ schema: { example: TOKEN_EXAMPLE } })
  get(@Param('tenantId') tenantId: string, @Param('tokenId') tokenId: string): Promise<TokenView> {
    return this.admin.getToken(tenantId, tokenId);
  }

  @Delete(':tokenId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke a token: refused (401) from the next request on; the record stays, as revoked',
  })
  @ApiNoContentResponse({ description: 'Revoked (also when it already was)' })
  @ApiNotFoundResponse({ description: 'Unknown tenant or token' })
  async revoke(@Param('tenantId') tenantId: string, @Param('tokenId') tokenId: string): Promise<void> {
    await this.admin.revokeToken(tenantId, tokenId);
  }

  @Post(':tokenId/rotate')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Replace a token by a new one with the same label',
    description:
      'The old token is revoked at once, or with graceSeconds keeps working for that long (at most 7 days) ' +
      'so that the client can be switched over. The new value is in this answer only.',
  })
  @ApiBody({
    type: RotateTokenDto,
    required: false,
    examples: {
      immediate: { value: {} },
      withGrace: { value: { graceSeconds: 3600, expiresAt: '2027-01-31T00:00:00Z' } },
    },
  })
  @ApiCreatedResponse({
    schema: {
      example: {
        ...ISSUED_EXAMPLE,
        id: '8d0e7b7c-2f7c-4d0d-8f61-5a9b7b1d2e30',
        previous: { ...TOKEN_EXAMPLE, status: 'revoked' },
      },
    },
  })
  @ApiConflictResponse({ description: 'The token is already revoked or expired' })
  rotate(
    @Param('tenantId') tenantId: string,
    @Param('tokenId') tokenId: string,
    @Body() body: RotateTokenDto,
  ): Promise<IssuedTokenView & { previous: TokenView }> {
    return this.admin.rotateToken(tenantId, tokenId, body);
  }
}
