import { Counter, Gauge, Registry } from 'prom-client';
import { READINESS_CHANGES, READINESS_STATUS, ReadinessMetrics } from './readiness.metrics';

describe(ReadinessMetrics.name, () => {
  it('sets the status and counts each change of the result, not each check', async () => {
    const registry = new Registry();
    const sut = new ReadinessMetrics(
      new Gauge({ name: READINESS_STATUS, help: 'h', registers: [registry] }),
      new Counter({ name: READINESS_CHANGES, help: 'h', registers: [registry] }),
    );

    for (const ready of [true, true, false, false, true, false]) sut.record(ready);

    const text = await registry.metrics();
    expect(text).toContain('scim_readiness_status 0');
    expect(text).toContain('scim_readiness_changes_total 3');
  });
});
