import { Histogram, Registry } from 'prom-client';
import { HTTP_REQUEST_DURATION, HttpMetricsService } from './http-metrics.service';

describe(HttpMetricsService.name, () => {
  it('records a request under its method, route template and status', async () => {
    const registry = new Registry();
    const histogram = new Histogram({
      name: HTTP_REQUEST_DURATION,
      help: 'h',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    const sut = new HttpMetricsService(histogram);

    sut.observe('GET', '/scim/v2/Users/:id', 200, 0.012);

    const text = await registry.metrics();
    expect(text).toContain(
      'http_request_duration_seconds_count{method="GET",route="/scim/v2/Users/:id",status="200"} 1',
    );
  });
});
