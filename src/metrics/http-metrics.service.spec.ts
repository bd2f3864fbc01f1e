import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  HTTP_REQUEST_DURATION,
  HTTP_REQUESTS_IN_FLIGHT,
  HttpMetricsService,
  SCIM_ERRORS,
} from './http-metrics.service';

function setUp() {
  const registry = new Registry();
  const sut = new HttpMetricsService(
    new Histogram({
      name: HTTP_REQUEST_DURATION,
      help: 'h',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    new Gauge({ name: HTTP_REQUESTS_IN_FLIGHT, help: 'h', registers: [registry] }),
    new Counter({ name: SCIM_ERRORS, help: 'h', labelNames: ['status', 'scim_type'], registers: [registry] }),
  );
  return { registry, sut };
}

describe(HttpMetricsService.name, () => {
  it('records a request under its method, route template and status', async () => {
    const { registry, sut } = setUp();

    sut.observe('GET', '/scim/v2/Users/:id', 200, 0.012);

    expect(await registry.metrics()).toContain(
      'http_request_duration_seconds_count{method="GET",route="/scim/v2/Users/:id",status="200"} 1',
    );
  });

  it('counts requests in flight up and down', async () => {
    const { registry, sut } = setUp();

    sut.started();
    sut.started();
    sut.finished();

    expect(await registry.metrics()).toContain('http_requests_in_flight 1');
  });

  it('counts SCIM errors by status and scimType, "none" without one', async () => {
    const { registry, sut } = setUp();

    sut.scimError(400, 'invalidFilter');
    sut.scimError(404, undefined);
    sut.scimError(404, undefined);

    const text = await registry.metrics();
    expect(text).toContain('scim_errors_total{status="400",scim_type="invalidFilter"} 1');
    expect(text).toContain('scim_errors_total{status="404",scim_type="none"} 2');
  });
});
