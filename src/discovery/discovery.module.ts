import { OAuthModule } from '../auth/oauth/oauth.module';
import { ResourcesModule } from '../resources/resources.module';
import { Module } from '@nestjs/common';
import { DiscoveryController } from './discovery.controller';

@Module({
  imports: [OAuthModule, ResourcesModule],
  controllers: [DiscoveryController],
})
export class DiscoveryModule {}
