import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
export const DASHBOARD_FILE = join(REPO_ROOT, 'docker', 'grafana', 'scim-stream.json');
export const ALERTS_FILE = join(REPO_ROOT, 'docker', 'prometheus', 'alerts.yml');

export interface DashboardTarget {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
}

export interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  /** Where Grafana places the panel, in grid cells (24 columns). */
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: DashboardTarget[];
}

export interface Dashboard {
  panels: DashboardPanel[];
  templating: { list: { name: string; type: string; query?: unknown }[] };
}

export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

/** Every query of the dashboard, with the panel it belongs to. */
export function dashboardQueries(dashboard: Dashboard = loadDashboard()): { panel: string; expr: string }[] {
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: `${panel.title} (${target.refId})`, expr: target.expr })),
  );
}

/**
 * A dashboard query as Prometheus takes it: Grafana's interval variables become 1m, every template variable
 * ($tenant, $job, ${var}) becomes `.*` (they are only ever used in =~ matchers), as "All" would.
 */
export function asPrometheusQuery(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b/g, '1m')
    .replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(:[a-z]+)?\}/g, '.*')
    .replace(/\$[A-Za-z_][A-Za-z0-9_]*/g, '.*');
}

/** PromQL functions, keywords and aggregation words that look like metric names in a query. */
const PROMQL_WORDS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'rate',
  'irate',
  'increase',
  'delta',
  'deriv',
  'histogram_quantile',
  'vector',
  'changes',
  'min_over_time',
  'max_over_time',
  'avg_over_time',
  'le',
  'offset',
  'bool',
  'abs',
  'clamp_min',
  'time',
]);

/**
 * The metric names a query selects (identifiers followed by `{`, `[` or standing alone), without label names.
 * `_bucket`/`_count`/`_sum` suffixes are kept: they are what Prometheus stores.
 */
export function metricNames(expr: string): string[] {
  const withoutMatchers = expr.replace(/\{[^}]*\}/g, '{}').replace(/"[^"]*"/g, '""');
  const withoutGrouping = withoutMatchers.replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  const names = withoutGrouping.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(names.filter((n) => !PROMQL_WORDS.has(n) && !/^\d/.test(n) && n.includes('_')))];
}

/** The base name of a metric series name (histogram and summary series end in _bucket, _count or _sum). */
export function baseMetricName(series: string): string {
  return series.replace(/_(bucket|count|sum)$/, '');
}
