import { Module, OnModuleInit } from '@nestjs/common';
import { makeHistogramProvider, PrometheusModule } from '@willsoto/nestjs-prometheus';
import { collectDefaultMetrics, register } from 'prom-client';
import { HTTP_REQUEST_DURATION, HttpMetricsService } from './http-metrics.service';
import { MetricsController } from './metrics.controller';

/**
 * Prometheus metrics at GET /metrics: default process metrics and http_request_duration_seconds.
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
  providers: [
    HttpMetricsService,
    makeHistogramProvider({
      name: HTTP_REQUEST_DURATION,
      help: 'Duration of HTTP requests in seconds, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
  ],
})
export class MetricsModule implements OnModuleInit {
  onModuleInit(): void {
    if (!register.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics();
  }
}
