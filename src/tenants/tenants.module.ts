import { Module } from '@nestjs/common';
import { TenantSettingsService } from './tenant-settings.service';

/** Per-tenant settings for every module (resources, throttling, admin). Repositories come from StoreModule. */
@Module({
  exports: [TenantSettingsService],
  providers: [TenantSettingsService],
})
export class TenantsModule {}
