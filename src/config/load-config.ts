import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { AppConfig, LogLevel } from './app-config';

/** The plain values behind AppConfig (what tests pass as overrides). */
export type AppConfigValues = { -readonly [K in keyof AppConfig]: AppConfig[K] };

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];
export const MIN_BODY_LIMIT = 1024;
export const MAX_BODY_LIMIT = 100 * 1024 * 1024;
/** Bounds of OAUTH_TOKEN_TTL_SECONDS: 1 to 6 hours. */
export const MIN_OAUTH_TTL = 3600;
export const MAX_OAUTH_TTL = 21600;

/** config/ of the package: two levels above this file both in src/config and in dist/config. */
export const PACKAGE_CONFIG_DIR = resolve(__dirname, '..', '..', 'config');
export const DEFAULTS_FILE = 'default.json';

/** Thrown at boot when the configuration is invalid; its message lists every problem on one line. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The validated configuration. class-validator checks it once at boot, so the rest of the code can trust
 * every field; an instance is frozen and injected as AppConfig.
 */
export class ValidatedAppConfig extends AppConfig {
  @IsInt({ message: 'must be an integer between 1 and 65535' })
  @Min(1, { message: 'must be an integer between 1 and 65535' })
  @Max(65535, { message: 'must be an integer between 1 and 65535' })
  readonly port!: number;

  @IsString({ message: 'must be a host name or IP address' })
  @IsNotEmpty({ message: 'must be a host name or IP address' })
  readonly host!: string;

  @IsString({ message: 'must be a directory path' })
  @IsNotEmpty({ message: 'must be a directory path' })
  readonly dataDir!: string;

  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, {
    message: 'must be a mongodb:// or mongodb+srv:// connection string',
  })
  readonly mongodbUri?: string;

  // A short shared secret is guessable; Entra pastes whatever it is given, so ask for a real one.
  @IsOptional()
  @IsString({ message: 'must be at least 16 printable ASCII characters without spaces' })
  @MinLength(16, { message: 'must be at least 16 printable ASCII characters without spaces' })
  @MaxLength(4096, { message: 'must be at most 4096 characters' })
  @Matches(/^[\x21-\x7e]+$/, { message: 'must be at least 16 printable ASCII characters without spaces' })
  readonly scimToken?: string;

  // Same rules as SCIM_TOKEN: it opens every tenant's credentials, so it must not be guessable either.
  @IsOptional()
  @IsString({ message: 'must be at least 16 printable ASCII characters without spaces' })
  @MinLength(16, { message: 'must be at least 16 printable ASCII characters without spaces' })
  @MaxLength(4096, { message: 'must be at most 4096 characters' })
  @Matches(/^[\x21-\x7e]+$/, { message: 'must be at least 16 printable ASCII characters without spaces' })
  readonly adminToken?: string;

  @IsOptional()
  @IsUrl(
    {
      protocols: ['http', 'https'],
      require_protocol: true,
      require_tld: false,
      allow_query_components: false,
    },
    { message: 'must be an absolute http(s) URL without query, e.g. https://scim.example.com' },
  )
  readonly baseUrl?: string;

  @IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  readonly logLevel!: LogLevel;

  @IsInt({ message: `must be an integer number of bytes between ${MIN_BODY_LIMIT} and ${MAX_BODY_LIMIT}` })
  @Min(MIN_BODY_LIMIT, {
    message: `must be an integer number of bytes between ${MIN_BODY_LIMIT} and ${MAX_BODY_LIMIT}`,
  })
  @Max(MAX_BODY_LIMIT, {
    message: `must be an integer number of bytes between ${MIN_BODY_LIMIT} and ${MAX_BODY_LIMIT}`,
  })
  readonly bodyLimit!: number;

  @IsString({ message: 'must be a directory path' })
  @IsNotEmpty({ message: 'must be a directory path' })
  readonly configDir!: string;

  @IsInt({ message: 'must be an integer between 1 and 10000' })
  @Min(1, { message: 'must be an integer between 1 and 10000' })
  @Max(10000, { message: 'must be an integer between 1 and 10000' })
  readonly defaultPageSize!: number;

  @IsInt({ message: 'must be an integer between 1 and 10000' })
  @Min(1, { message: 'must be an integer between 1 and 10000' })
  @Max(10000, { message: 'must be an integer between 1 and 10000' })
  readonly maxPageSize!: number;

  @IsInt({ message: 'must be a whole number of seconds between 10 and 604800' })
  @Min(10, { message: 'must be a whole number of seconds between 10 and 604800' })
  @Max(604800, { message: 'must be a whole number of seconds between 10 and 604800' })
  readonly cursorTimeoutSeconds!: number;

  @IsInt({ message: 'must be an integer between 1 and 100000' })
  @Min(1, { message: 'must be an integer between 1 and 100000' })
  @Max(100000, { message: 'must be an integer between 1 and 100000' })
  readonly bulkMaxOperations!: number;

  @IsInt({ message: `must be an integer number of bytes between ${MIN_BODY_LIMIT} and ${MAX_BODY_LIMIT}` })
  @Min(MIN_BODY_LIMIT, {
    message: `must be an integer number of bytes between ${MIN_BODY_LIMIT} and ${MAX_BODY_LIMIT}`,
  })
  @Max(MAX_BODY_LIMIT, {
    message: `must be an integer number of bytes between ${MIN_BODY_LIMIT} and ${MAX_BODY_LIMIT}`,
  })
  readonly bulkMaxPayloadSize!: number;

  @IsInt({ message: 'must be an integer between 1 and 100000' })
  @Min(1, { message: 'must be an integer between 1 and 100000' })
  @Max(100000, { message: 'must be an integer between 1 and 100000' })
  readonly patchMaxOperations!: number;

  @IsInt({ message: 'must be an integer between 16 and 1048576' })
  @Min(16, { message: 'must be an integer between 16 and 1048576' })
  @Max(1048576, { message: 'must be an integer between 16 and 1048576' })
  readonly filterMaxLength!: number;

  @IsInt({ message: 'must be an integer between 1 and 256' })
  @Min(1, { message: 'must be an integer between 1 and 256' })
  @Max(256, { message: 'must be an integer between 1 and 256' })
  readonly filterMaxDepth!: number;

  @IsBoolean({ message: 'must be true or false' })
  readonly strictExtensions!: boolean;

  @IsInt({ message: 'must be a whole number of days between 1 and 36500' })
  @Min(1, { message: 'must be a whole number of days between 1 and 36500' })
  @Max(36500, { message: 'must be a whole number of days between 1 and 36500' })
  readonly journalRetentionDays!: number;

  // Entra adds group members by the thousand in one operation (entra.md §4.13): never below 10000 by default.
  @IsInt({ message: 'must be an integer between 1 and 1000000' })
  @Min(1, { message: 'must be an integer between 1 and 1000000' })
  @Max(1000000, { message: 'must be an integer between 1 and 1000000' })
  readonly patchMaxValuesPerOperation!: number;

  @IsInt({ message: `must be an integer number of characters between 16 and ${MAX_BODY_LIMIT}` })
  @Min(16, { message: `must be an integer number of characters between 16 and ${MAX_BODY_LIMIT}` })
  @Max(MAX_BODY_LIMIT, {
    message: `must be an integer number of characters between 16 and ${MAX_BODY_LIMIT}`,
  })
  readonly attributeMaxLength!: number;

  @IsInt({ message: 'must be an integer between 0 (off) and 1000000' })
  @Min(0, { message: 'must be an integer between 0 (off) and 1000000' })
  @Max(1000000, { message: 'must be an integer between 0 (off) and 1000000' })
  readonly rateLimitPerSecond!: number;

  @IsInt({ message: 'must be an integer between 1 and 1000000' })
  @Min(1, { message: 'must be an integer between 1 and 1000000' })
  @Max(1000000, { message: 'must be an integer between 1 and 1000000' })
  readonly rateLimitBurst!: number;

  @IsInt({ message: 'must be an integer between 0 (off) and 100000' })
  @Min(0, { message: 'must be an integer between 0 (off) and 100000' })
  @Max(100000, { message: 'must be an integer between 0 (off) and 100000' })
  readonly authFailureLimitPerMinute!: number;

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  readonly redisUrl?: string;

  @IsInt({ message: 'must be a whole number of seconds between 1 and 3600' })
  @Min(1, { message: 'must be a whole number of seconds between 1 and 3600' })
  @Max(3600, { message: 'must be a whole number of seconds between 1 and 3600' })
  readonly sseHeartbeatSeconds!: number;

  // A comma-separated list of servers is allowed by the NATS client (failover).
  @IsOptional()
  @Matches(/^(nats|tls|wss?):\/\/\S+$/, {
    message: 'must be a nats://, tls:// or ws(s):// URL (or several, comma-separated)',
  })
  readonly natsUrl?: string;

  // JetStream stream names: no whitespace, '.', '*', '>', path separators (NATS docs, "Naming").
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ or -' })
  readonly natsStream!: string;

  @Matches(/^(true|false|[0-9A-Za-z.:/]+(\s*,\s*[0-9A-Za-z.:/]+)*)$/, {
    message:
      'must be true, false, or a comma-separated list of addresses, CIDRs, loopback, linklocal, uniquelocal',
  })
  readonly trustProxy!: string;

  // RFC 7519 §4.1.1/§4.1.3: iss and aud are StringOrURI values.
  @IsString({ message: 'must be a non-empty string of at most 1024 characters' })
  @IsNotEmpty({ message: 'must be a non-empty string of at most 1024 characters' })
  @MaxLength(1024, { message: 'must be a non-empty string of at most 1024 characters' })
  readonly oauthIssuer!: string;

  @IsString({ message: 'must be a non-empty string of at most 1024 characters' })
  @IsNotEmpty({ message: 'must be a non-empty string of at most 1024 characters' })
  @MaxLength(1024, { message: 'must be a non-empty string of at most 1024 characters' })
  readonly oauthAudience!: string;

  // Entra's gallery checks expect 60 min – 6 h (entra.md §9.1).
  @IsInt({ message: `must be a whole number of seconds between ${MIN_OAUTH_TTL} and ${MAX_OAUTH_TTL}` })
  @Min(MIN_OAUTH_TTL, {
    message: `must be a whole number of seconds between ${MIN_OAUTH_TTL} and ${MAX_OAUTH_TTL}`,
  })
  @Max(MAX_OAUTH_TTL, {
    message: `must be a whole number of seconds between ${MIN_OAUTH_TTL} and ${MAX_OAUTH_TTL}`,
  })
  readonly oauthTokenTtlSeconds!: number;

  // The key itself is parsed by src/auth/oauth/signing-key.ts; this only catches values of the wrong kind.
  @IsOptional()
  @Matches(
    /^(-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----\s*|[A-Za-z0-9_-]{43,})$/,
    {
      message: 'must be a PEM private key or a base64url secret of at least 32 bytes (43 characters)',
    },
  )
  readonly oauthSigningKey?: string;

  // Parsed and checked client by client by src/auth/oauth/oauth-clients.config.ts.
  @IsOptional()
  @IsString({ message: 'must be a JSON array of OAuth clients' })
  @Matches(/^\s*[[{]/, { message: 'must be a JSON array of OAuth clients' })
  readonly oauthClients?: string;
}

type Key = keyof AppConfigValues;

interface Setting {
  env: string;
  kind: 'int' | 'string' | 'bool';
  /** Never echoed back in error messages (they end up in logs). */
  secret?: boolean;
}

const SETTINGS: Readonly<Record<Key, Setting>> = {
  port: { env: 'PORT', kind: 'int' },
  host: { env: 'HOST', kind: 'string' },
  dataDir: { env: 'DATA_DIR', kind: 'string' },
  mongodbUri: { env: 'MONGODB_URI', kind: 'string', secret: true },
  scimToken: { env: 'SCIM_TOKEN', kind: 'string', secret: true },
  adminToken: { env: 'ADMIN_TOKEN', kind: 'string', secret: true },
  baseUrl: { env: 'BASE_URL', kind: 'string' },
  logLevel: { env: 'LOG_LEVEL', kind: 'string' },
  bodyLimit: { env: 'BODY_LIMIT', kind: 'int' },
  configDir: { env: 'CONFIG_DIR', kind: 'string' },
  defaultPageSize: { env: 'DEFAULT_PAGE_SIZE', kind: 'int' },
  maxPageSize: { env: 'MAX_PAGE_SIZE', kind: 'int' },
  cursorTimeoutSeconds: { env: 'CURSOR_TIMEOUT_SECONDS', kind: 'int' },
  bulkMaxOperations: { env: 'BULK_MAX_OPERATIONS', kind: 'int' },
  bulkMaxPayloadSize: { env: 'BULK_MAX_PAYLOAD_SIZE', kind: 'int' },
  patchMaxOperations: { env: 'PATCH_MAX_OPERATIONS', kind: 'int' },
  filterMaxLength: { env: 'FILTER_MAX_LENGTH', kind: 'int' },
  filterMaxDepth: { env: 'FILTER_MAX_DEPTH', kind: 'int' },
  strictExtensions: { env: 'STRICT_EXTENSIONS', kind: 'bool' },
  journalRetentionDays: { env: 'JOURNAL_RETENTION_DAYS', kind: 'int' },
  patchMaxValuesPerOperation: { env: 'PATCH_MAX_VALUES_PER_OPERATION', kind: 'int' },
  attributeMaxLength: { env: 'ATTRIBUTE_MAX_LENGTH', kind: 'int' },
  rateLimitPerSecond: { env: 'RATE_LIMIT_PER_SECOND', kind: 'int' },
  rateLimitBurst: { env: 'RATE_LIMIT_BURST', kind: 'int' },
  authFailureLimitPerMinute: { env: 'AUTH_FAILURE_LIMIT_PER_MINUTE', kind: 'int' },
  // May carry a password (redis://:password@host).
  redisUrl: { env: 'REDIS_URL', kind: 'string', secret: true },
  trustProxy: { env: 'TRUST_PROXY', kind: 'string' },
  sseHeartbeatSeconds: { env: 'SSE_HEARTBEAT_SECONDS', kind: 'int' },
  // May carry credentials (nats://user:password@host).
  natsUrl: { env: 'NATS_URL', kind: 'string', secret: true },
  natsStream: { env: 'NATS_STREAM', kind: 'string' },
  oauthIssuer: { env: 'OAUTH_ISSUER', kind: 'string' },
  oauthAudience: { env: 'OAUTH_AUDIENCE', kind: 'string' },
  oauthTokenTtlSeconds: { env: 'OAUTH_TOKEN_TTL_SECONDS', kind: 'int' },
  oauthSigningKey: { env: 'OAUTH_SIGNING_KEY', kind: 'string', secret: true },
  oauthClients: { env: 'OAUTH_CLIENTS', kind: 'string', secret: true },
};
const KEYS = Object.keys(SETTINGS) as Key[];

/**
 * Protocol limits have built-in defaults so that a CONFIG_DIR whose default.json predates them still boots;
 * config/default.json repeats them with their explanations.
 */
const BUILT_IN_DEFAULTS: Partial<Record<Key, unknown>> = {
  // Proxies on private networks (Kubernetes ingress, load balancers) are trusted; a client reaching the server
  // directly from a public address cannot forge its X-Forwarded-For.
  trustProxy: 'loopback,linklocal,uniquelocal',
  defaultPageSize: 100,
  maxPageSize: 1000,
  cursorTimeoutSeconds: 3600,
  bulkMaxOperations: 1000,
  bulkMaxPayloadSize: 1048576,
  patchMaxOperations: 1000,
  filterMaxLength: 4096,
  filterMaxDepth: 32,
  strictExtensions: false,
  journalRetentionDays: 30,
  patchMaxValuesPerOperation: 10000,
  attributeMaxLength: 65536,
  rateLimitPerSecond: 200,
  rateLimitBurst: 400,
  authFailureLimitPerMinute: 10,
  sseHeartbeatSeconds: 15,
  natsStream: 'SCIM_STREAM',
  oauthIssuer: 'scim-stream',
  oauthAudience: 'scim-stream',
  oauthTokenTtlSeconds: 3600,
};

interface Candidate {
  value: unknown;
  /** Where the value came from, as the user knows it: `PORT`, `"port" in /app/config/default.json`, … */
  source: string;
}

/**
 * Reads the configuration: defaults from `<CONFIG_DIR>/default.json`, overridden by environment variables,
 * overridden by `overrides` (tests). Empty environment variables count as unset. Throws ConfigError naming
 * every invalid setting, so a misconfigured deployment fails at boot with one readable message.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<AppConfigValues> = {},
): AppConfig {
  const problems: string[] = [];
  const candidates = new Map<Key, Candidate>();

  for (const [key, value] of Object.entries(BUILT_IN_DEFAULTS)) {
    candidates.set(key as Key, { value, source: `${SETTINGS[key as Key].env} (built-in default)` });
  }
  const configDir = resolve(overrides.configDir ?? nonEmpty(env.CONFIG_DIR) ?? PACKAGE_CONFIG_DIR);
  const defaultsPath = join(configDir, DEFAULTS_FILE);
  for (const [key, value] of Object.entries(readDefaults(defaultsPath, problems))) {
    if (key.startsWith('$')) continue; // comments
    // Own keys only: "constructor" or "toString" are in every object, and "constructor" would hide the
    // class whose rules validateSync() applies.
    if (!Object.hasOwn(SETTINGS, key)) {
      problems.push(`${defaultsPath} has an unknown setting "${key}" (known: ${KEYS.join(', ')})`);
      continue;
    }
    candidates.set(key as Key, { value, source: `"${key}" in ${defaultsPath}` });
  }
  for (const key of KEYS) {
    const raw = nonEmpty(env[SETTINGS[key].env]);
    if (raw !== undefined) candidates.set(key, { value: raw, source: SETTINGS[key].env });
  }
  for (const key of KEYS) {
    if (key in overrides) candidates.set(key, { value: overrides[key], source: `${key} (override)` });
  }
  candidates.set('configDir', { value: configDir, source: 'CONFIG_DIR' });

  const values: Partial<Record<Key, unknown>> = {};
  for (const [key, candidate] of candidates) values[key] = coerce(key, candidate.value);
  const config = Object.assign(new ValidatedAppConfig(), normalise(values));

  for (const error of validateSync(config)) {
    const key = error.property as Key;
    const candidate = candidates.get(key);
    const message = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
    const source = candidate?.source ?? SETTINGS[key].env;
    const got =
      candidate === undefined
        ? ' (not set)'
        : SETTINGS[key].secret
          ? ''
          : ` (got ${JSON.stringify(candidate.value)})`;
    problems.push(`${source} ${message}${got}`);
  }
  if (problems.length === 0 && config.defaultPageSize > config.maxPageSize) {
    problems.push(
      `DEFAULT_PAGE_SIZE (${config.defaultPageSize}) must not exceed MAX_PAGE_SIZE (${config.maxPageSize})`,
    );
  }
  // One secret for both would let the admin token read every tenant's data (and a SCIM client manage tenants).
  if (problems.length === 0 && config.adminToken !== undefined && config.adminToken === config.scimToken) {
    problems.push('ADMIN_TOKEN must differ from SCIM_TOKEN');
  }
  // A bulk request is one HTTP body: it can never be larger than BODY_LIMIT, so advertise what is enforced.
  if (problems.length === 0 && config.bulkMaxPayloadSize > config.bodyLimit) {
    (config as { bulkMaxPayloadSize: number }).bulkMaxPayloadSize = config.bodyLimit;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
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

/** Environment values are strings: integers are converted only when they are written as integers. */
function coerce(key: Key, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (SETTINGS[key].kind === 'int') return /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : value;
  if (SETTINGS[key].kind === 'bool') {
    if (/^(true|1|yes|on)$/i.test(trimmed)) return true;
    if (/^(false|0|no|off)$/i.test(trimmed)) return false;
    return value;
  }
  return key === 'scimToken' || key === 'adminToken' ? value : trimmed;
}

function normalise(values: Partial<Record<Key, unknown>>): Partial<Record<Key, unknown>> {
  const out = { ...values };
  if (typeof out.logLevel === 'string') out.logLevel = out.logLevel.toLowerCase();
  if (typeof out.dataDir === 'string' && out.dataDir !== '') out.dataDir = absolute(out.dataDir);
  // BASE_URL gets `/scim/v2` appended: a trailing slash would double it.
  if (typeof out.baseUrl === 'string') out.baseUrl = out.baseUrl.replace(/\/+$/, '');
  // A PEM in an environment variable often arrives with its line breaks written as `\n`.
  if (typeof out.oauthSigningKey === 'string')
    out.oauthSigningKey = out.oauthSigningKey.replace(/\\n/g, '\n');
  return out;
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(process.cwd(), path);
}
