import autocannon from 'autocannon';

/** One request of a scenario, as built for one iteration. */
export interface RequestSpec {
  /** Label under which the latency is recorded (a scenario may mix kinds, e.g. add and remove). */
  kind: string;
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  body?: unknown;
  /** The only status that counts as a success. */
  expect: number;
  /** Further check of a response body with the expected status (e.g. that a filter found exactly one). */
  check?: (body: string) => boolean;
}

/**
 * The requests one connection sends in a loop. `context` lives for one pass over the steps (autocannon resets
 * it when it starts over), so a step can reuse what an earlier step of the same pass chose.
 */
export type Step = (context: Record<string, unknown>) => RequestSpec;

export interface Scenario {
  name: string;
  steps: Step[];
  /** Runs after each run of the scenario, e.g. to undo a pass that the end of the run cut in half. */
  settle?: (options: LoadOptions) => Promise<void>;
}

export interface LatencyStats {
  kind: string;
  requests: number;
  /** Responses whose status was not the expected one (plus connection errors and timeouts for a scenario). */
  errors: number;
  reqPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface ScenarioResult {
  name: string;
  durationSeconds: number;
  overall: LatencyStats;
  /** Per kind, when the scenario has more than one. */
  kinds: LatencyStats[];
  statusCodes: Record<string, number>;
  /** A few unexpected responses, for the report. */
  errorSamples: string[];
  /** Resident memory of the server right after the scenario, MiB. */
  rssAfterMiB?: number;
}

export interface LoadOptions {
  url: string;
  token: string;
  connections: number;
  durationSeconds: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function stats(kind: string, latencies: number[], errors: number, seconds: number): LatencyStats {
  const sorted = Array.from(Float64Array.from(latencies).sort());
  return {
    kind,
    requests: latencies.length,
    errors,
    reqPerSec: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length > 0 ? sorted[sorted.length - 1] : NaN,
  };
}

/** What one autocannon run of a scenario observed. */
export interface Samples {
  seconds: number;
  latencies: Map<string, number[]>;
  errors: Map<string, number>;
  /** Connection errors and timeouts. */
  connectionErrors: number;
  statusCodes: Record<string, number>;
  errorSamples: string[];
}

/** Figures of a scenario over one or several runs (rounds), as if they were one run. */
export function summarize(name: string, rounds: Samples[]): ScenarioResult {
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  const latencies = new Map<string, number[]>();
  const errors = new Map<string, number>();
  const statusCodes: Record<string, number> = {};
  for (const round of rounds) {
    for (const [kind, values] of round.latencies)
      latencies.set(kind, [...(latencies.get(kind) ?? []), ...values]);
    for (const [kind, count] of round.errors) errors.set(kind, (errors.get(kind) ?? 0) + count);
    for (const [code, count] of Object.entries(round.statusCodes))
      statusCodes[code] = (statusCodes[code] ?? 0) + count;
  }
  const kindErrors = [...errors.values()].reduce((a, b) => a + b, 0);
  const connectionErrors = rounds.reduce((sum, r) => sum + r.connectionErrors, 0);
  const kinds = [...latencies.entries()].map(([kind, values]) =>
    stats(kind, values, errors.get(kind) ?? 0, seconds),
  );
  return {
    name,
    durationSeconds: seconds,
    overall: stats(name, [...latencies.values()].flat(), kindErrors + connectionErrors, seconds),
    kinds: kinds.length > 1 ? kinds : [],
    statusCodes,
    errorSamples: rounds.flatMap((r) => r.errorSamples).slice(0, 5),
  };
}

/**
 * Runs a scenario once with autocannon, then its `settle` step. Every response is timed here (float
 * milliseconds, per kind): the scenario's onResponse runs synchronously just before the instance's 'response'
 * event for the same response, which is how a latency is attributed to its kind and checked against its
 * expected status.
 */
export async function runScenario(scenario: Scenario, options: LoadOptions): Promise<Samples> {
  const samples = await measure(scenario, options);
  await scenario.settle?.(options);
  return samples;
}

function measure(scenario: Scenario, options: LoadOptions): Promise<Samples> {
  const latencies = new Map<string, number[]>();
  const errors = new Map<string, number>();
  const statusCodes: Record<string, number> = {};
  const errorSamples: string[] = [];
  let last: { kind: string; ok: boolean } | undefined;

  const requests: autocannon.Request[] = scenario.steps.map((step) => ({
    setupRequest: (request: autocannon.Request, context: object) => {
      const spec = step(context as Record<string, unknown>);
      (context as { spec?: RequestSpec }).spec = spec;
      const built: autocannon.Request = { ...request, method: spec.method, path: spec.path };
      if (spec.body !== undefined) {
        built.body = JSON.stringify(spec.body);
        built.headers = { ...request.headers, 'content-type': 'application/scim+json' };
      }
      return built;
    },
    onResponse: (status: number, body: string, context: object) => {
      const spec = (context as { spec: RequestSpec }).spec;
      const ok = status === spec.expect && (spec.check?.(body) ?? true);
      last = { kind: spec.kind, ok };
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (!ok) {
        errors.set(spec.kind, (errors.get(spec.kind) ?? 0) + 1);
        if (errorSamples.length < 5) {
          errorSamples.push(`${spec.method} ${spec.path} → ${status} ${body.slice(0, 300)}`);
        }
      }
    },
  }));

  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        headers: { authorization: `Bearer ${options.token}`, accept: 'application/scim+json' },
        requests,
        timeout: 30,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        resolve({
          seconds: result.duration,
          latencies,
          errors,
          connectionErrors: result.errors, // timeouts included
          statusCodes,
          errorSamples,
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      if (!last) return;
      let values = latencies.get(last.kind);
      if (!values) latencies.set(last.kind, (values = []));
      values.push(responseTime);
      last = undefined;
    });
  });
}
