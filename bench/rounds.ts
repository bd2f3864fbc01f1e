import { LoadOptions, runScenario, Samples, Scenario, ScenarioResult, summarize } from './load';
import { cpuMsOf } from './server';

/** One server under test, with its own instance of a scenario (its own counters, e.g. POST's next userName). */
export interface RoundTarget {
  label: string;
  url: string;
  scenario: Scenario;
  /** The server's process: when given, its CPU time per request is recorded for every round. */
  pid?: number;
}

export interface RoundOptions {
  token: string;
  connections: number;
  rounds: number;
  roundSeconds: number;
  warmupSeconds: number;
}

/**
 * Runs one scenario against every target in alternating rounds: a warm-up each, then `rounds` rounds of
 * `roundSeconds` per target, the order reversed every other round, so that a burst of background load on a shared
 * machine hits every target alike and none always runs first. Returns req/s per round per target label, and each
 * target's figures over all its rounds (latency per kind); throws when a round had an unexpected response. Used by bench:compare (two builds) and bench (ours vs baselines).
 */
export async function alternateRounds(
  targets: readonly RoundTarget[],
  options: RoundOptions,
): Promise<{
  rates: Record<string, number[]>;
  /** CPU µs of the server per request, per round, for the targets with a pid. */
  cpuUsPerRequest: Record<string, number[]>;
  results: Record<string, ScenarioResult>;
}> {
  const load = (t: RoundTarget, durationSeconds: number): LoadOptions => ({
    url: t.url,
    token: options.token,
    connections: options.connections,
    durationSeconds,
  });
  if (options.warmupSeconds > 0) {
    for (const t of targets) await runScenario(t.scenario, load(t, options.warmupSeconds));
  }
  const rates: Record<string, number[]> = Object.fromEntries(targets.map((t) => [t.label, []]));
  const cpuUsPerRequest: Record<string, number[]> = Object.fromEntries(targets.map((t) => [t.label, []]));
  const samples: Record<string, Samples[]> = Object.fromEntries(targets.map((t) => [t.label, []]));
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? [...targets] : [...targets].reverse();
    for (const t of order) {
      const cpuBefore = t.pid === undefined ? 0 : cpuMsOf(t.pid);
      const round = await runScenario(t.scenario, load(t, options.roundSeconds));
      const cpuMs = t.pid === undefined ? 0 : cpuMsOf(t.pid) - cpuBefore;
      const result = summarize(t.scenario.name, [round]);
      if (result.overall.errors > 0 || result.overall.requests === 0) {
        throw new Error(
          `${t.label}: ${t.scenario.name}: ${result.overall.errors} unexpected responses of ${result.overall.requests} ` +
            `${JSON.stringify(result.statusCodes)} ${result.errorSamples.join(' | ')}`,
        );
      }
      rates[t.label].push(result.overall.reqPerSec);
      if (t.pid !== undefined) cpuUsPerRequest[t.label].push((cpuMs * 1000) / result.overall.requests);
      samples[t.label].push(round);
    }
  }
  const results = Object.fromEntries(
    targets.map((t) => [t.label, summarize(t.scenario.name, samples[t.label])]),
  );
  return { rates, cpuUsPerRequest, results };
}
