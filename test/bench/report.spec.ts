import { Report, toMarkdown } from '../../bench/report';
import { scenarioRatio } from '../../bench/calibrate';

function report(nestFloor: boolean): Report {
  const rates = { ours: [100, 300, 200], bare: [1000, 1000, 1000], nest: [500, 600, 400] };
  const labels = { ours: 'ours', baseline: 'bare', ...(nestFloor ? { nestFloor: 'nest' } : {}) };
  return {
    environment: {
      date: '2026-12-07T00:00:00.000Z',
      node: 'v20',
      cpu: 'CPU',
      cores: 2,
      memoryGiB: 8,
      platform: 'linux',
      connections: 16,
      rounds: 3,
      roundSeconds: 1,
      pinning: 'none',
      serverSettings: {},
    },
    users: 10,
    targets: labels,
    scenarios: [scenarioRatio('GET /Users/{id}', rates, labels)],
    goals: [],
    failures: [],
  };
}

describe('bench/report', () => {
  it('shows ours and bare Fastify with the ratio and its spread in a default run', () => {
    const markdown = toMarkdown(report(false));
    expect(markdown).toContain('| GET /Users/{id} | 200 | 1,000 | 0.200× | 0.100–0.300 | ≥ 0.4× | FAIL |');
    expect(markdown).not.toContain('nest');
  });

  it('with the Nest floor, shows its req/s, Nest floor / bare and ours / Nest floor, each with its spread', () => {
    const markdown = toMarkdown(report(true));
    expect(markdown).toContain(
      '| scenario | ours req/s | bare Fastify req/s | nest req/s | ours / bare (spread) |',
    );
    expect(markdown).toContain(
      '| GET /Users/{id} | 200 | 1,000 | 500 | 0.200× (0.100–0.300) | 0.500× (0.400–0.600) | 0.500× (0.200–0.500) | ≥ 0.4× | FAIL |',
    );
  });
});
