import { Module, OnModuleInit } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { collectDefaultMetrics, register } from 'prom-client';
import { HTTP_METRIC_PROVIDERS, HttpMetricsService } from './http-metrics.service';
import { MetricsController } from './metrics.controller';
import { STORE_METRIC_PROVIDERS, StoreMetrics } from './store-metrics.service';

/**
 * Prometheus metrics at GET /metrics: default process metrics, HTTP (duration, in flight, SCIM errors) and the
 * store's commits, resources per tenant and journal heads (StoreMetrics, from CommitEvents). Other modules
 * register their own metrics (throttling, health, streaming, the store adapters); docs/metrics.md lists them all.
 * Metrics live in prom-client's global registry (the one @willsoto's controller serves); registration is
 * idempotent so that several applications in one process (tests) share it instead of failing.
 */
@Module({
  exports: [HttpMetricsService],
  imports: [
    PrometheusModule.register({
      controller: MetricsController,
      defaultMetrics: { enabled: false },
      path: '/metrics',
    }),
  ],
  providers: [HttpMetricsService, ...HTTP_METRIC_PROVIDERS, StoreMetrics, ...STORE_METRIC_PROVIDERS],
})
export class MetricsModule implements OnModuleInit {
  onModuleInit(): void {
    if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics();
  }
}
