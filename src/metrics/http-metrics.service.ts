import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Histogram } from 'prom-client';

export const HTTP_REQUEST_DURATION = 'http_request_duration_seconds';

/** Records every response, including 404s and errors raised before Nest (fed by a Fastify onResponse hook). */
@Injectable()
export class HttpMetricsService {
  constructor(
    @InjectMetric(HTTP_REQUEST_DURATION) private readonly duration: Histogram<'method' | 'route' | 'status'>,
  ) {}

  /** `route` is the route template or "unmatched": raw URLs would make label cardinality unbounded. */
  observe(method: string, route: string, status: number, seconds: number): void {
    this.duration.observe({ method, route, status: String(status) }, seconds);
  }
}
