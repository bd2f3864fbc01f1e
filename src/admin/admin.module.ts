import { StreamingCoreModule } from '../streaming/streaming-core.module';
import { CredentialCacheModule } from '../auth/credential-cache';
import { OAuthModule } from '../auth/oauth/oauth.module';
import { TenantsModule } from '../tenants/tenants.module';
import { ThrottlingModule } from '../throttling/throttling.module';
import { Module } from '@nestjs/common';
import { AdminGuard } from './admin.guard';
import { OAuthClientsController } from './oauth-clients.controller';
import { TenantAdminService } from './tenant-admin.service';
import { TenantsController } from './tenants.controller';
import { TokensController } from './tokens.controller';

/**
 * The admin API under /admin (issue "Many tenants, one server"): tenants, static tokens and OAuth clients,
 * behind ADMIN_TOKEN. Repositories come from StoreModule, TenantSettingsService from TenantsModule.
 */
@Module({
  imports: [CredentialCacheModule, StreamingCoreModule, OAuthModule, TenantsModule, ThrottlingModule],
  controllers: [OAuthClientsController, TenantsController, TokensController],
  providers: [AdminGuard, TenantAdminService],
})
export class AdminModule {}
