import { Injectable } from '@nestjs/common';
import {
  InjectMetric,
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';

export const HTTP_REQUEST_DURATION = 'http_request_duration_seconds';
/** Requests received and not yet answered (or abandoned by the client). */
export const HTTP_REQUESTS_IN_FLIGHT = 'http_requests_in_flight';
/** SCIM error responses (RFC 7644 §3.12), by status and scim_type ("none" when the error has none). */
export const SCIM_ERRORS = 'scim_errors_total';

/** The value of the scim_type label for an error without a scimType (404, 401, 429, 500, ...). */
export const NO_SCIM_TYPE = 'none';

export const HTTP_METRIC_PROVIDERS = [
  makeHistogramProvider({
    name: HTTP_REQUEST_DURATION,
    help: 'Duration of HTTP requests in seconds, by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
  makeGaugeProvider({
    name: HTTP_REQUESTS_IN_FLIGHT,
    help: 'HTTP requests being served (received, response not finished)',
  }),
  makeCounterProvider({
    name: SCIM_ERRORS,
    help: 'SCIM error responses, by HTTP status and scim_type (RFC 7644 §3.12; "none" when absent)',
    labelNames: ['status', 'scim_type'],
  }),
];

/** Records every response, including 404s and errors raised before Nest (fed by Fastify hooks, app.factory.ts). */
@Injectable()
export class HttpMetricsService {
  constructor(
    @InjectMetric(HTTP_REQUEST_DURATION) private readonly duration: Histogram<'method' | 'route' | 'status'>,
    @InjectMetric(HTTP_REQUESTS_IN_FLIGHT) private readonly inFlight: Gauge,
    @InjectMetric(SCIM_ERRORS) private readonly scimErrors: Counter<'status' | 'scim_type'>,
  ) {}

  /** `route` is the route template or "unmatched": raw URLs would make label cardinality unbounded. */
  observe(method: string, route: string, status: number, seconds: number): void {
    this.duration.observe({ method, route, status: String(status) }, seconds);
  }

  /** A request arrived; `finished` must be called exactly once when its response is done or abandoned. */
  started(): void {
    this.inFlight.inc();
  }

  finished(): void {
    this.inFlight.dec();
  }

  /** scimType values are the closed set of RFC 7644 §3.12 / RFC 9865 (src/scim/errors.ts), never client text. */
  scimError(status: number, scimType: string | undefined): void {
    this.scimErrors.inc({ status: String(status), scim_type: scimType ?? NO_SCIM_TYPE });
  }
}
