import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppConfig } from './app-config';
import { PACKAGE_CONFIG_DIR, SETTINGS, Setting, SettingKey } from './settings';

export {
  LOG_LEVELS,
  MAX_BODY_LIMIT,
  MAX_OAUTH_TTL,
  MIN_BODY_LIMIT,
  MIN_OAUTH_TTL,
  PACKAGE_CONFIG_DIR,
} from './settings';

/** The plain values behind AppConfig (what tests pass as overrides). */
export type AppConfigValues = { -readonly [K in keyof AppConfig]: AppConfig[K] };

export const DEFAULTS_FILE = 'default.json';

/** Thrown at boot when the configuration is invalid; its message lists every problem on one line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** The loaded configuration: an AppConfig (the DI token) carrying the validated values, frozen. */
class LoadedAppConfig extends AppConfig {}

const BY_KEY = new Map<string, Setting>(SETTINGS.map((setting) => [setting.key, setting]));
const KEYS = SETTINGS.map((setting) => setting.key);

/** Rules that relate settings; they run once every setting is valid on its own. */
const CROSS_CHECKS: ReadonlyArray<(config: AppConfigValues) => string | undefined> = [
  (config) =>
    config.defaultPageSize > config.maxPageSize
      ? `DEFAULT_PAGE_SIZE (${config.defaultPageSize}) must not exceed MAX_PAGE_SIZE (${config.maxPageSize})`
      : undefined,
  // One secret for both would let the admin token read every tenant's data (and a SCIM client manage tenants).
  (config) =>
    config.adminToken !== undefined && config.adminToken === config.scimToken
      ? 'ADMIN_TOKEN must differ from SCIM_TOKEN'
      : undefined,
];

interface Candidate {
  value: unknown;
  /** Where the value came from, as the user knows it: `PORT`, `"port" in /app/config/default.json`, … */
  source: string;
}

/**
 * Reads the configuration: the defaults declared in src/config/settings.ts, overridden by
 * `<CONFIG_DIR>/default.json`, by environment variables, then by `overrides` (tests). Empty environment
 * variables count as unset. Throws ConfigError naming every invalid setting, so a misconfigured deployment
 * fails at boot with one readable message.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<AppConfigValues> = {},
): AppConfig {
  const problems: string[] = [];
  const candidates = new Map<SettingKey, Candidate>();

  for (const setting of SETTINGS) {
    if ('default' in setting)
      candidates.set(setting.key, { value: setting.default, source: `${setting.env} (built-in default)` });
  }
  const configDir = resolve(overrides.configDir ?? nonEmpty(env.CONFIG_DIR) ?? PACKAGE_CONFIG_DIR);
  const defaultsPath = join(configDir, DEFAULTS_FILE);
  for (const [key, value] of Object.entries(readDefaults(defaultsPath, problems))) {
    if (key.startsWith('$')) continue; // comments
    // A Map, not an object: "constructor" or "toString" are not settings.
    if (!BY_KEY.has(key)) {
      problems.push(`${defaultsPath} has an unknown setting "${key}" (known: ${KEYS.join(', ')})`);
      continue;
    }
    candidates.set(key as SettingKey, { value, source: `"${key}" in ${defaultsPath}` });
  }
  for (const setting of SETTINGS) {
    const raw = nonEmpty(env[setting.env]);
    if (raw !== undefined) candidates.set(setting.key, { value: raw, source: setting.env });
  }
  for (const key of KEYS) {
    if (key in overrides) candidates.set(key, { value: overrides[key], source: `${key} (override)` });
  }
  candidates.set('configDir', { value: configDir, source: 'CONFIG_DIR' });

  const values: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const candidate = candidates.get(setting.key);
    const parsed = setting.parse(candidate?.value);
    if (parsed.ok) {
      if (parsed.value !== undefined) values[setting.key] = parsed.value;
      continue;
    }
    const got =
      candidate === undefined
        ? ' (not set)'
        : setting.secret
          ? ''
          : ` (got ${JSON.stringify(candidate.value)})`;
    problems.push(`${candidate?.source ?? setting.env} ${parsed.problem}${got}`);
  }
  const config = values as AppConfigValues;
  if (problems.length === 0) {
    for (const check of CROSS_CHECKS) {
      const problem = check(config);
      if (problem !== undefined) problems.push(problem);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // A bulk request is one HTTP body: it can never be larger than BODY_LIMIT, so advertise what is enforced.
  config.bulkMaxPayloadSize = Math.min(config.bulkMaxPayloadSize, config.bodyLimit);
  return Object.freeze(Object.assign(new LoadedAppConfig(), config));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function readDefaults(path: string, problems: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    problems.push(
      `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}); set CONFIG_DIR to the directory holding ${DEFAULTS_FILE}`,
    );
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
    problems.push(`${path} must contain a JSON object`);
  } catch (error) {
    problems.push(`${path} is not valid JSON (${(error as Error).message})`);
  }
  return {};
}
