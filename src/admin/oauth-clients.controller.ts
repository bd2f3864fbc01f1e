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
import { AddClientSecretDto, CreateOAuthClientDto } from './admin.dto';
import { CreatedOAuthClientView, IssuedSecretView, listView, ListView, OAuthClientView } from './admin.views';
import { TenantAdminService } from './tenant-admin.service';
import { ADMIN_BASE_PATH } from './tenants.controller';

const SECRET = {
  id: '6b1f0c1e-8a57-4f3b-9d9e-2c4b7a0e5d13',
  createdAt: '2026-01-31T09:00:00.000Z',
  status: 'active',
};
const CLIENT_EXAMPLE: OAuthClientView = {
  clientId: 'contoso-entra',
  tenantId: 'contoso',
  label: 'Entra provisioning (Contoso)',
  createdAt: '2026-01-31T09:00:00.000Z',
  status: 'active',
  secrets: [SECRET as OAuthClientView['secrets'][number]],
};
const SECRET_VALUE = 'Zk3v0Qm1XyT9pL2sR8aN5dW7eH4jC6bF0gU1iO3kM2q';

/**
 * OAuth 2.0 clients of a tenant (client-credentials grant, RFC 6749 §4.4; Entra's "Client Identifier" and
 * "Client Secret"). Secrets are shown once and stored as hashes; several may be active, which is how a secret
 * is rotated: add a new one, switch the client over, delete the old one.
 */
@ApiTags('Admin: OAuth clients')
@AdminApi()
@Controller(`${ADMIN_BASE_PATH}/tenants/:tenantId/oauth-clients`)
export class OAuthClientsController {
  constructor(private readonly admin: TenantAdminService) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Create a client with a first secret; the secret is in this answer only' })
  @ApiBody({
    type: CreateOAuthClientDto,
    examples: {
      generatedId: { value: { label: 'Entra provisioning (Contoso)' } },
      chosenId: {
        value: {
          label: 'Entra provisioning (Contoso)',
          clientId: 'contoso-entra',
          secretExpiresAt: '2027-01-31T00:00:00Z',
        },
      },
    },
  })
  @ApiCreatedResponse({ schema: { example: { ...CLIENT_EXAMPLE, clientSecret: SECRET_VALUE } } })
  @ApiConflictResponse({ description: 'The clientId is taken (client ids are unique across tenants)' })
  create(
    @Param('tenantId') tenantId: string,
    @Body() body: CreateOAuthClientDto,
  ): Promise<CreatedOAuthClientView> {
    return this.admin.createClient(tenantId, body);
  }

  @Get()
  @ApiOperation({ summary: 'List the clients of a tenant (never their secrets)' })
  @ApiOkResponse({ schema: { example: { totalResults: 1, items: [CLIENT_EXAMPLE] } } })
  async list(@Param('tenantId') tenantId: string): Promise<ListView<OAuthClientView>> {
    return listView(await this.admin.listClients(tenantId));
  }

  @Get(':clientId')
  @ApiOperation({ summary: 'Read a client (never its secrets)' })
  @ApiOkResponse({ schema: { example: CLIENT_EXAMPLE } })
  @ApiNotFoundResponse({ description: 'Unknown tenant or client' })
  get(@Param('tenantId') tenantId: string, @Param('clientId') clientId: string): Promise<OAuthClientView> {
    return this.admin.getClient(tenantId, clientId);
  }

  @Delete(':clientId')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Revoke a client: no new access tokens, and those already issued are refused from the next request on',
  })
  @ApiNoContentResponse({ description: 'Revoked (also when it already was)' })
  async revoke(@Param('tenantId') tenantId: string, @Param('clientId') clientId: string): Promise<void> {
    await this.admin.revokeClient(tenantId, clientId);
  }

  @Post(':clientId/secrets')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Rotate, step 1: add a secret (returned once); the other secrets stay valid until deleted',
  })
  @ApiBody({ type: AddClientSecretDto, required: false, examples: { plain: { value: {} } } })
  @ApiCreatedResponse({
    schema: { example: { ...SECRET, clientId: 'contoso-entra', clientSecret: SECRET_VALUE } },
  })
  @ApiConflictResponse({ description: 'The client is revoked, or already has 5 active secrets' })
  addSecret(
    @Param('tenantId') tenantId: string,
    @Param('clientId') clientId: string,
    @Body() body: AddClientSecretDto,
  ): Promise<IssuedSecretView> {
    return this.admin.addClientSecret(tenantId, clientId, body);
  }

  @Delete(':clientId/secrets/:secretId')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Rotate, step 2: delete a secret; access tokens obtained with it are refused from the next request on',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ description: 'Unknown tenant, client or secret' })
  async removeSecret(
    @Param('tenantId') tenantId: string,
    @Param('clientId') clientId: string,
    @Param('secretId') secretId: string,
  ): Promise<void> {
    await this.admin.removeClientSecret(tenantId, clientId, secretId);
  }
}
