import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_METRIC_PROVIDERS, ReadinessMetrics } from './readiness.metrics';
import { StoreHealthIndicator } from './store.health-indicator';

/** GET /health/live and /health/ready (its results as metrics). StoreHealth comes from the global StoreModule. */
@Module({
  controllers: [HealthController],
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  providers: [StoreHealthIndicator, ReadinessMetrics, ...READINESS_METRIC_PROVIDERS],
})
export class HealthModule {}
