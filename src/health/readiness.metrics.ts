import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge } from 'prom-client';

/** 1 when the last readiness check (GET /health/ready) passed, 0 when it failed. */
export const READINESS_STATUS = 'scim_readiness_status';
/** Changes of the readiness result (ready → not ready and back): flapping shows here between two scrapes. */
export const READINESS_CHANGES = 'scim_readiness_changes_total';

export const READINESS_METRIC_PROVIDERS = [
  makeGaugeProvider({
    name: READINESS_STATUS,
    help: 'Result of the last readiness check (GET /health/ready): 1 ready, 0 not ready',
  }),
  makeCounterProvider({
    name: READINESS_CHANGES,
    help: 'Times the readiness result changed (ready to not ready or back)',
  }),
];

/** Records each readiness result; a change is counted, so flapping faster than the scrape is still seen. */
@Injectable()
export class ReadinessMetrics {
  private last?: boolean;

  constructor(
    @InjectMetric(READINESS_STATUS) private readonly status: Gauge,
    @InjectMetric(READINESS_CHANGES) private readonly changes: Counter,
  ) {
    this.changes.inc(0);
  }

  record(ready: boolean): void {
    if (this.last !== undefined && this.last !== ready) this.changes.inc();
    this.last = ready;
    this.status.set(ready ? 1 : 0);
  }
}
