import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALERTS_FILE,
  asPrometheusQuery,
  baseMetricName,
  dashboardQueries,
  loadDashboard,
  metricNames,
  REPO_ROOT,
} from './dashboard';

const read = (...path: string[]) => readFileSync(join(REPO_ROOT, ...path), 'utf8');

/** The shipped monitoring files agree with each other and with docs/metrics.md (no Prometheus needed). */
describe('Monitoring files', () => {
  const dashboard = loadDashboard();
  const documented = new Set(
    [...read('docs', 'metrics.md').matchAll(/^\| `([a-z_:][a-z0-9_:]*)` \|/gm)].map((m) => m[1]),
  );

  it('gives every panel and query of the dashboard the data source variable ${DS_PROMETHEUS}', () => {
    const variable = dashboard.templating.list.find((v) => v.name === 'DS_PROMETHEUS');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const queryPanels = dashboard.panels.filter((p) => p.type !== 'row');
    expect(queryPanels.length).toBeGreaterThan(10);
    for (const panel of queryPanels) {
      expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({
        panel: panel.title,
        uid: '${DS_PROMETHEUS}',
      });
      for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe('${DS_PROMETHEUS}');
    }
  });

  it('has the panels the issue asks for', () => {
    const titles = dashboard.panels.map((p) => p.title);
    for (const title of [
      'Request rate by route',
      'Latency p50 / p95 / p99 by route',
      'Error ratio',
      '429s by tenant',
      'Commit latency',
      'Commit failures by reason',
      'WAL flushes and commits per flush',
      'WAL flush duration',
      'Connection pool',
      'Users per tenant',
      'Groups per tenant',
      'Event lag per subscription',
    ]) {
      expect(titles).toContain(title);
    }
  });

  it("charts the embedded store's group commit: flushes/s, commits per flush and the p99 flush duration", () => {
    const exprs = (title: string) =>
      (dashboard.panels.find((p) => p.title === title)?.targets ?? []).map((t) => t.expr);
    const flushes = 'sum(rate(scim_embedded_store_wal_flushes_total{job=~"$job"}[$__rate_interval]))';
    const commits = 'sum(rate(scim_embedded_store_wal_flushed_commits_total{job=~"$job"}[$__rate_interval]))';

    expect(exprs('WAL flushes and commits per flush')).toEqual([flushes, `${commits} / ${flushes}`]);
    expect(exprs('WAL flush duration')).toContain(
      'histogram_quantile(0.99, sum by (le) (rate(scim_embedded_store_wal_flush_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))',
    );
  });

  it('lays the panels out without overlaps, with unique ids', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Map<string, string>();
    for (const panel of dashboard.panels) {
      const { x, y, w, h } = panel.gridPos;
      for (let row = y; row < y + h; row++)
        for (let column = x; column < x + w; column++) {
          const cell = `${column},${row}`;
          expect({ cell, taken: cells.get(cell), by: panel.title }).toEqual({
            cell,
            taken: undefined,
            by: panel.title,
          });
          cells.set(cell, panel.title);
        }
    }
  });

  it('names only documented metrics, in the dashboard and in the alert rules', () => {
    const alertExprs = [...readFileSync(ALERTS_FILE, 'utf8').matchAll(/expr: (\|\n(?: {10}.*\n)+|.*)/g)].map(
      (m) => m[1],
    );
    expect(alertExprs).toHaveLength(8);
    const used = [...dashboardQueries(dashboard).map((q) => q.expr), ...alertExprs].flatMap((expr) =>
      metricNames(asPrometheusQuery(expr)),
    );

    const undocumented = [...new Set(used.map(baseMetricName))].filter((name) => !documented.has(name));

    expect(undocumented).toEqual([]);
    expect(used.length).toBeGreaterThan(20);
  });

  it('turns Grafana variables into what Prometheus parses', () => {
    expect(
      asPrometheusQuery('sum by (tenant) (rate(x_total{job=~"$job",tenant=~"${tenant}"}[$__rate_interval]))'),
    ).toBe('sum by (tenant) (rate(x_total{job=~".*",tenant=~".*"}[1m]))');
  });

  it('ships the alert rules to Kubernetes verbatim as the PrometheusRule spec', () => {
    const alerts = readFileSync(ALERTS_FILE, 'utf8');
    const groups = alerts.slice(alerts.indexOf('groups:'));
    const indented = groups
      .split('\n')
      .map((line) => (line.trim() === '' ? line : `  ${line}`))
      .join('\n');
    const manifest = read('docker', 'k8s', 'monitoring.yaml');

    expect(manifest).toContain('kind: ServiceMonitor');
    expect(manifest.slice(manifest.indexOf('kind: PrometheusRule'))).toContain(`spec:\n${indented}`);
    expect(manifest.endsWith(indented)).toBe(true);
  });

  it('mounts into the compose monitoring profile only files that exist', () => {
    const compose = read('docker', 'compose.yaml');
    const mounts = [...compose.matchAll(/- \.\/([^:]+):/g)].map((m) => m[1]);

    expect(mounts).toEqual(
      expect.arrayContaining([
        'prometheus/prometheus.yml',
        'prometheus/alerts.yml',
        'grafana/provisioning',
        'grafana/scim-stream.json',
      ]),
    );
    for (const mount of mounts)
      expect({ mount, exists: existsSync(join(REPO_ROOT, 'docker', mount)) }).toEqual({
        mount,
        exists: true,
      });
    expect(compose).toMatch(/profiles: \[monitoring\]/);
  });
});
