import { resolve } from 'node:path';
import {
  bool,
  directory,
  int,
  matches,
  maxLength,
  minLength,
  notEmpty,
  oneOf,
  optional,
  Parser,
  text,
  url,
} from './parsers';

/**
 * Every configuration setting, declared once. The typed AppConfig (src/config/app-config.ts), the validation
 * and its one-message ConfigError, the environment mapping, the `<CONFIG_DIR>/default.json` keys and the
 * `registerAs` namespaces (src/config/namespaces.ts) all follow from this table.
 *
 * To add a setting:
 *   1. add ONE `defineSetting({...})` entry below: `env` is the variable, `key` its camelCase (also its key in
 *      default.json), `parse` the rule (src/config/parsers.ts; wrap it in `optional()` when unset is valid),
 *      `default` the built-in value, `namespace` the slice it is injected with, `secret: true` if it must never
 *      be echoed in an error message, and `description` (the README's "Meaning" cell);
 *   2. add its row to the configuration table of README.md: settings.spec.ts fails until the row says exactly
 *      the name, default and description declared here.
 * A rule that relates two settings goes into CROSS_CHECKS of src/config/load-config.ts.
 */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** The slices injected with `@Inject(xxxConfig.KEY)` (src/config/namespaces.ts). */
export type ConfigNamespace = 'http' | 'store' | 'auth' | 'scim' | 'throttling' | 'journal' | 'streaming';

export interface Setting<
  K extends string = string,
  T = unknown,
  N extends ConfigNamespace = ConfigNamespace,
> {
  readonly env: string;
  readonly key: K;
  readonly namespace: N;
  readonly parse: Parser<T>;
  readonly default?: NoInfer<T>;
  /** The README's Default cell when `default` is not a plain value (computed, or unset with a meaning). */
  readonly defaultText?: string;
  readonly secret?: boolean;
  readonly description: string;
}

export function defineSetting<const K extends string, T, const N extends ConfigNamespace>(
  setting: Setting<K, T, N>,
): Setting<K, T, N> {
  return setting;
}

export const MIN_BODY_LIMIT = 1024;
export const MAX_BODY_LIMIT = 100 * 1024 * 1024;
/** Bounds of OAUTH_TOKEN_TTL_SECONDS: 1 to 6 hours (Entra's gallery checks, docs/entra.md). */
export const MIN_OAUTH_TTL = 3600;
export const MAX_OAUTH_TTL = 21600;
/** config/ of the package: two levels above this file both in src/config and in dist/config. */
export const PACKAGE_CONFIG_DIR = resolve(__dirname, '..', '..', 'config');

const between = (min: number, max: number) => int(min, max, `must be an integer between ${min} and ${max}`);
const bytes = int(
  MIN_BODY_LIMIT,
  MAX_BODY_LIMIT,
  `must be an integer number of bytes between ${MIN_BODY_LIMIT} and ${MAX_BODY_LIMIT}`,
);
const TOKEN = 'must be at least 16 printable ASCII characters without spaces';
// A short shared secret is guessable; Entra pastes whatever it is given, so ask for a real one.
const token = optional(
  text({
    problem: TOKEN,
    keepSpaces: true,
    rules: [
      minLength(16, TOKEN),
      maxLength(4096, 'must be at most 4096 characters'),
      matches(/^[\x21-\x7e]+$/, TOKEN),
    ],
  }),
);
// RFC 7519 §4.1.1/§4.1.3: iss and aud are StringOrURI values.
const STRING_OR_URI = 'must be a non-empty string of at most 1024 characters';
const stringOrUri = text({
  problem: STRING_OR_URI,
  rules: [notEmpty(STRING_OR_URI), maxLength(1024, STRING_OR_URI)],
});
const BASE_URL = 'must be an absolute http(s) URL without query, e.g. https://scim.example.com';
const TRUST_PROXY =
  'must be true, false, or a comma-separated list of addresses, CIDRs, loopback, linklocal, uniquelocal';
const SIGNING_KEY = 'must be a PEM private key or a base64url secret of at least 32 bytes (43 characters)';

/** An http(s) origin without query, trailing slashes dropped: BASE_URL and SET_ISSUER. */
const publicOrigin = text({
  problem: BASE_URL,
  normalise: (value) => value.replace(/\/+$/, ''),
  rules: [
    url(
      {
        protocols: ['http', 'https'],
        require_protocol: true,
        require_tld: false,
        allow_query_components: false,
      },
      BASE_URL,
    ),
  ],
});

export const SETTINGS = [
  // HTTP server
  defineSetting({
    env: 'PORT',
    key: 'port',
    namespace: 'http',
    parse: between(1, 65535),
    default: 3000,
    description: 'TCP port',
  }),
  defineSetting({
    env: 'HOST',
    key: 'host',
    namespace: 'http',
    parse: text({
      problem: 'must be a host name or IP address',
      rules: [notEmpty('must be a host name or IP address')],
    }),
    default: '0.0.0.0',
    description: 'Listen address',
  }),
  defineSetting({
    env: 'BASE_URL',
    key: 'baseUrl',
    namespace: 'http',
    // `/scim/v2` is appended: a trailing slash would double it.
    parse: optional(publicOrigin),
    defaultText: 'derived from the request',
    description:
      'Public origin used in `meta.location` and `$ref` (`/scim/v2` is appended), e.g. `https://scim.example.com`',
  }),
  defineSetting({
    env: 'LOG_LEVEL',
    key: 'logLevel',
    namespace: 'http',
    parse: oneOf(LOG_LEVELS),
    default: 'info',
    description: '`fatal`, `error`, `warn`, `info`, `debug`, `trace`',
  }),
  defineSetting({
    env: 'BODY_LIMIT',
    key: 'bodyLimit',
    namespace: 'http',
    parse: bytes,
    default: 1048576,
    description: 'Largest request body in bytes (413 above)',
  }),
  defineSetting({
    env: 'MAX_BODY_DEPTH',
    key: 'maxBodyDepth',
    namespace: 'http',
    // Checked on the JSON text before it is parsed: validation, PATCH, Bulk and the admin DTOs walk bodies
    // recursively, and a body nested thousands of levels deep overflowed the stack (500).
    parse: between(2, 1000),
    default: 64,
    description: 'Nesting of arrays and objects in a JSON request body (400 `invalidSyntax` above)',
  }),
  defineSetting({
    env: 'TRUST_PROXY',
    key: 'trustProxy',
    namespace: 'http',
    // Only a proxy on this host is trusted by default: trusting every private address would let any pod of a
    // cluster forge X-Forwarded-For (dodging the failed-auth throttle) and X-Forwarded-Host (rewriting
    // meta.location). Deployments name their ingress. Parsed by proxy-addr (app.factory.ts).
    parse: text({
      problem: TRUST_PROXY,
      rules: [matches(/^(true|false|[0-9A-Za-z.:/]+(\s*,\s*[0-9A-Za-z.:/]+)*)$/, TRUST_PROXY)],
    }),
    default: 'loopback',
    description:
      'Peers allowed to set `X-Forwarded-*`: set it to your ingress (addresses/CIDRs, `loopback`, `linklocal`, `uniquelocal`), or `true`/`false`',
  }),

  // Stores and files
  defineSetting({
    env: 'DATA_DIR',
    key: 'dataDir',
    namespace: 'store',
    parse: directory(),
    default: './data',
    description: 'Embedded store (SQLite file), generated keys',
  }),
  defineSetting({
    env: 'MONGODB_URI',
    key: 'mongodbUri',
    namespace: 'store',
    parse: optional(
      text({
        problem: 'must be a mongodb:// or mongodb+srv:// connection string',
        rules: [
          matches(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a mongodb:// or mongodb+srv:// connection string'),
        ],
      }),
    ),
    secret: true,
    description: 'Set: MongoDB store (a replica set, for transactions). Unset: embedded store',
  }),
  defineSetting({
    env: 'CONFIG_DIR',
    key: 'configDir',
    namespace: 'store',
    parse: directory(),
    default: PACKAGE_CONFIG_DIR,
    defaultText: '`config/` of the package',
    description: 'Directory with `default.json`, `schema-extensions.json` and `oauth-clients.json`',
  }),

  // Credentials and OAuth 2.0 client credentials (RFC 6749 §4.4, src/auth/oauth)
  defineSetting({
    env: 'SCIM_TOKEN',
    key: 'scimToken',
    namespace: 'auth',
    parse: token,
    secret: true,
    description: 'Bearer token of the default tenant (≥ 16 printable characters)',
  }),
  defineSetting({
    env: 'ADMIN_TOKEN',
    key: 'adminToken',
    namespace: 'auth',
    // Same rules as SCIM_TOKEN: it opens every tenant's credentials, so it must not be guessable either.
    parse: token,
    secret: true,
    description: 'Bearer token of the admin API under `/admin` (unset: the admin API answers 403)',
  }),
  defineSetting({
    env: 'OAUTH_ISSUER',
    key: 'oauthIssuer',
    namespace: 'auth',
    parse: stringOrUri,
    default: 'scim-stream',
    description: '`iss` of issued access tokens',
  }),
  defineSetting({
    env: 'OAUTH_AUDIENCE',
    key: 'oauthAudience',
    namespace: 'auth',
    parse: stringOrUri,
    default: 'scim-stream',
    description: '`aud` of issued access tokens; the guard accepts no other audience',
  }),
  defineSetting({
    env: 'OAUTH_TOKEN_TTL_SECONDS',
    key: 'oauthTokenTtlSeconds',
    namespace: 'auth',
    parse: int(
      MIN_OAUTH_TTL,
      MAX_OAUTH_TTL,
      `must be a whole number of seconds between ${MIN_OAUTH_TTL} and ${MAX_OAUTH_TTL}`,
    ),
    default: 3600,
    description: `Access-token lifetime, ${MIN_OAUTH_TTL}–${MAX_OAUTH_TTL}`,
  }),
  defineSetting({
    env: 'OAUTH_SIGNING_KEY',
    key: 'oauthSigningKey',
    namespace: 'auth',
    // The key itself is parsed by src/auth/oauth/signing-key.ts; this only catches values of the wrong kind. A PEM
    // in an environment variable often arrives with its line breaks written as `\n`.
    parse: optional(
      text({
        problem: SIGNING_KEY,
        normalise: (value) => value.replace(/\\n/g, '\n'),
        rules: [
          matches(
            /^(-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----\s*|[A-Za-z0-9_-]{43,})$/,
            SIGNING_KEY,
          ),
        ],
      }),
    ),
    secret: true,
    defaultText: 'generated, kept in the store',
    description: 'PEM (EC P-256, Ed25519, RSA ≥ 2048) or base64url secret ≥ 32 bytes; pins the key',
  }),
  defineSetting({
    env: 'OAUTH_CLIENTS',
    key: 'oauthClients',
    namespace: 'auth',
    // Parsed and checked client by client by src/auth/oauth/oauth-clients.config.ts.
    parse: optional(
      text({
        problem: 'must be a JSON array of OAuth clients',
        rules: [matches(/^\s*[[{]/, 'must be a JSON array of OAuth clients')],
      }),
    ),
    secret: true,
    description: 'JSON array of OAuth clients, in addition to `<CONFIG_DIR>/oauth-clients.json`',
  }),

  // SCIM protocol limits and switches (read through ScimSettings, src/resources/scim-settings.ts); each is
  // advertised in ServiceProviderConfig exactly as enforced.
  defineSetting({
    env: 'DEFAULT_PAGE_SIZE',
    key: 'defaultPageSize',
    namespace: 'scim',
    parse: between(1, 10000),
    default: 100,
    description: 'Results per page when a query sends no `count`',
  }),
  defineSetting({
    env: 'MAX_PAGE_SIZE',
    key: 'maxPageSize',
    namespace: 'scim',
    parse: between(1, 10000),
    default: 1000,
    description: 'Largest page; larger `count`s are capped (RFC 7644 §3.4.2.4)',
  }),
  defineSetting({
    env: 'MAX_LIST_RESPONSE_BYTES',
    key: 'maxListResponseBytes',
    namespace: 'scim',
    // A page of 1,000 large users was 21 MB, and a few at once took the process past 1 GB.
    parse: bytes,
    default: 4194304,
    description:
      'Serialised size of the resources of one list or `.search` page: fewer are returned above (`itemsPerPage` tells)',
  }),
  defineSetting({
    env: 'CURSOR_TIMEOUT_SECONDS',
    key: 'cursorTimeoutSeconds',
    namespace: 'scim',
    parse: int(10, 604800, 'must be a whole number of seconds between 10 and 604800'),
    default: 3600,
    description: 'Lifetime of an RFC 9865 cursor',
  }),
  defineSetting({
    env: 'BULK_MAX_OPERATIONS',
    key: 'bulkMaxOperations',
    namespace: 'scim',
    parse: between(1, 100000),
    default: 1000,
    description: 'Operations in one `/Bulk` request (413 above)',
  }),
  defineSetting({
    env: 'BULK_MAX_PAYLOAD_SIZE',
    key: 'bulkMaxPayloadSize',
    namespace: 'scim',
    parse: bytes,
    default: 1048576,
    description: 'Bytes of one `/Bulk` request (at most `BODY_LIMIT`)',
  }),
  defineSetting({
    env: 'PATCH_MAX_OPERATIONS',
    key: 'patchMaxOperations',
    namespace: 'scim',
    parse: between(1, 100000),
    default: 1000,
    description: 'Operations in one PATCH request',
  }),
  defineSetting({
    env: 'PATCH_MAX_VALUES_PER_OPERATION',
    key: 'patchMaxValuesPerOperation',
    namespace: 'scim',
    // Entra adds group members by the thousand in one operation: never below 10000 by default.
    parse: between(1, 1000000),
    default: 10000,
    description: 'Values in one PATCH operation (e.g. members added at once; Entra adds them by thousands)',
  }),
  defineSetting({
    env: 'MAX_VALUES_PER_ATTRIBUTE',
    key: 'maxValuesPerAttribute',
    namespace: 'scim',
    // Checked on the resource as written (POST, PUT, PATCH result, Bulk): 22,000 emails on one user made a page
    // of 1,000 users 21 MB. A Group's members are stored apart and paged, so they are not counted.
    parse: between(1, 1000000),
    default: 2000,
    description:
      "Values of one multi-valued attribute on a write (400 `invalidValue` above); a Group's `members` excepted",
  }),
  defineSetting({
    env: 'FILTER_MAX_LENGTH',
    key: 'filterMaxLength',
    namespace: 'scim',
    parse: between(16, 1048576),
    default: 4096,
    description: 'Characters in a filter',
  }),
  defineSetting({
    env: 'FILTER_MAX_DEPTH',
    key: 'filterMaxDepth',
    namespace: 'scim',
    parse: between(1, 256),
    default: 32,
    description: 'Nesting of parentheses, `not` and value paths in a filter',
  }),
  defineSetting({
    env: 'ATTRIBUTE_MAX_LENGTH',
    key: 'attributeMaxLength',
    namespace: 'scim',
    parse: int(
      16,
      MAX_BODY_LIMIT,
      `must be an integer number of characters between 16 and ${MAX_BODY_LIMIT}`,
    ),
    default: 65536,
    description: 'Characters in one string value (400 `invalidValue` above)',
  }),
  defineSetting({
    env: 'STRICT_EXTENSIONS',
    key: 'strictExtensions',
    namespace: 'scim',
    parse: bool(),
    default: false,
    description:
      '`true`: attributes of undeclared schema extensions are refused (400 `invalidPath`); per tenant through the admin API',
  }),

  // Throttling (src/throttling)
  defineSetting({
    env: 'RATE_LIMIT_PER_SECOND',
    key: 'rateLimitPerSecond',
    namespace: 'throttling',
    parse: int(0, 1000000, 'must be an integer between 0 (off) and 1000000'),
    default: 200,
    description: 'Sustained requests per second per credential (`0` = off); per tenant through the admin API',
  }),
  defineSetting({
    env: 'RATE_LIMIT_BURST',
    key: 'rateLimitBurst',
    namespace: 'throttling',
    parse: between(1, 1000000),
    default: 400,
    description:
      'Requests a credential may send at once above the sustained rate; per tenant through the admin API',
  }),
  defineSetting({
    env: 'AUTH_FAILURE_LIMIT_PER_MINUTE',
    key: 'authFailureLimitPerMinute',
    namespace: 'throttling',
    // The client address is the one TRUST_PROXY yields; the credential is the one presented (a hash of it).
    parse: int(0, 100000, 'must be an integer between 0 (off) and 100000'),
    default: 10,
    description:
      'Failed authentications of one credential from one client address per minute before that credential gets 429 there (`0` = off); other credentials are unaffected',
  }),
  defineSetting({
    env: 'AUTH_FAILURE_CREDENTIALS_PER_MINUTE',
    key: 'authFailureCredentialsPerMinute',
    namespace: 'throttling',
    // Spraying: bounds the distinct bad credentials (and counters) per address. Valid credentials still pass.
    parse: int(0, 1000000, 'must be an integer between 0 (no ceiling) and 1000000'),
    default: 100,
    description:
      'Distinct failing credentials per client address and minute; above it every further failing credential gets 429 instead of 401, valid ones still pass (`0` = no ceiling)',
  }),
  defineSetting({
    env: 'REDIS_URL',
    key: 'redisUrl',
    namespace: 'throttling',
    parse: optional(
      text({
        problem: 'must be a redis:// or rediss:// URL',
        rules: [matches(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')],
      }),
    ),
    // May carry a password (redis://:password@host).
    secret: true,
    description: 'Set: rate-limit counters live in Redis, shared by every replica. Unset: in memory',
  }),

  // Change journal
  defineSetting({
    env: 'JOURNAL_RETENTION_DAYS',
    key: 'journalRetentionDays',
    namespace: 'journal',
    parse: int(1, 36500, 'must be a whole number of days between 1 and 36500'),
    default: 30,
    description: 'Days a change-journal entry is kept (both stores); see [Change journal](#change-journal)',
  }),

  // Streaming (issue "Streaming", docs/streaming.md)
  defineSetting({
    env: 'NATS_URL',
    key: 'natsUrl',
    namespace: 'streaming',
    // A comma-separated list of servers is allowed by the NATS client (failover).
    parse: optional(
      text({
        problem: 'must be a nats://, tls:// or ws(s):// URL (or several, comma-separated)',
        rules: [
          matches(
            /^(nats|tls|wss?):\/\/\S+(\s*,\s*(nats|tls|wss?):\/\/\S+)*$/,
            'must be a nats://, tls:// or ws(s):// URL (or several, comma-separated)',
          ),
        ],
      }),
    ),
    defaultText: 'unset',
    // May carry credentials (nats://user:password@host).
    secret: true,
    description:
      'NATS server(s) for `nats` subscriptions (JetStream). Unset: `nats` subscriptions are refused',
  }),
  defineSetting({
    env: 'NATS_STREAM',
    key: 'natsStream',
    namespace: 'streaming',
    // JetStream stream names: no whitespace, '.', '*', '>', path separators (NATS docs, "Naming").
    parse: text({
      problem: 'must be 1-64 letters, digits, _ or -',
      rules: [matches(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -')],
    }),
    default: 'SCIM_STREAM',
    description: 'JetStream stream the server creates if absent, with subjects `<NATS_SUBJECT_PREFIX>.>`',
  }),
  defineSetting({
    env: 'NATS_SUBJECT_PREFIX',
    key: 'natsSubjectPrefix',
    namespace: 'streaming',
    // One or more subject tokens (NATS docs, "Subject-Based Messaging"): no wildcards, no whitespace.
    parse: text({
      problem: 'must be NATS subject tokens (letters, digits, _ or -) separated by dots',
      rules: [
        matches(
          /^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,7}$/,
          'must be NATS subject tokens (letters, digits, _ or -) separated by dots',
        ),
      ],
    }),
    default: 'scim',
    description:
      'First token(s) of every event subject (`<prefix>.<tenant>.<resourceType>.<type>`) and of the stream created; deployments sharing one NATS need distinct prefixes and streams',
  }),
  defineSetting({
    env: 'WEBHOOK_ALLOWED_HOSTS',
    key: 'webhookAllowedHosts',
    namespace: 'streaming',
    // Parsed entry by entry by src/streaming/webhook/webhook-url.policy.ts; this catches values of the wrong kind.
    parse: optional(
      text({
        problem: 'must be a comma-separated list of host names, *.domain wildcards, IP addresses or CIDRs',
        rules: [
          matches(
            /^[0-9A-Za-z.:/*_-]+(\s*,\s*[0-9A-Za-z.:/*_-]+)*$/,
            'must be a comma-separated list of host names, *.domain wildcards, IP addresses or CIDRs',
          ),
        ],
      }),
    ),
    defaultText: 'unset (any host)',
    description:
      'Hosts a webhook subscription may target: host names, `*.example.com`, IPs or CIDRs (checked at creation and on every attempt)',
  }),
  defineSetting({
    env: 'STREAM_RETRY_BASE_MS',
    key: 'streamRetryBaseMs',
    namespace: 'streaming',
    parse: int(1, 3600000, 'must be a whole number of milliseconds between 1 and 3600000'),
    default: 1000,
    description: 'First retry delay of a failed delivery; it doubles per attempt (with jitter)',
  }),
  defineSetting({
    env: 'STREAM_RETRY_MAX_MS',
    key: 'streamRetryMaxMs',
    namespace: 'streaming',
    parse: int(1, 86400000, 'must be a whole number of milliseconds between 1 and 86400000'),
    default: 600000,
    description: 'Longest retry delay of a failed delivery',
  }),
  defineSetting({
    env: 'SSE_HEARTBEAT_SECONDS',
    key: 'sseHeartbeatSeconds',
    namespace: 'streaming',
    parse: int(1, 3600, 'must be a whole number of seconds between 1 and 3600'),
    default: 15,
    description: 'Seconds between comment heartbeats on an idle Server-Sent Events stream',
  }),
  // Standard streams (issue "Standard streams", docs/standards-events.md)
  defineSetting({
    env: 'SET_ISSUER',
    key: 'setIssuer',
    namespace: 'streaming',
    parse: optional(publicOrigin),
    defaultText: '`BASE_URL`',
    description:
      '`iss` of Security Event Tokens and SSF `issuer`; unset and no `BASE_URL`: push and poll subscriptions are refused',
  }),
  defineSetting({
    env: 'SET_POLL_MAX_WAIT_SECONDS',
    key: 'setPollMaxWaitSeconds',
    namespace: 'streaming',
    parse: int(1, 300, 'must be a whole number of seconds between 1 and 300'),
    default: 30,
    description: 'Longest an RFC 8936 long poll waits for a SET before it answers with none',
  }),
] as const;

type DeclaredSetting = (typeof SETTINGS)[number];
type ValueOf<S> = S extends Setting<string, infer T, ConfigNamespace> ? T : never;

/** The values of every declared setting: optional settings (parsed by `optional()`) are optional fields. */
export type SettingValues = {
  -readonly [S in DeclaredSetting as undefined extends ValueOf<S> ? never : S['key']]: ValueOf<S>;
} & {
  -readonly [S in DeclaredSetting as undefined extends ValueOf<S> ? S['key'] : never]?: Exclude<
    ValueOf<S>,
    undefined
  >;
};
export type SettingKey = DeclaredSetting['key'];
