import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { StoreHealthIndicator } from './store.health-indicator';

/** GET /health/live and /health/ready. StoreHealth comes from the global StoreModule. */
@Module({
  controllers: [HealthController],
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  providers: [StoreHealthIndicator],
})
export class HealthModule {}
