/**
 * Typed configuration, validated once at boot by loadConfig() (src/config/load-config.ts) and injected as
 * the AppConfig provider. Nothing outside src/config reads process.env.
 */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export abstract class AppConfig {
  // SCIM protocol limits and switches (read through ScimSettings, src/resources/scim-settings.ts); each is advertised
  // in ServiceProviderConfig exactly as enforced.
  /** DEFAULT_PAGE_SIZE (100): page size when a query sends no count. */
  abstract readonly defaultPageSize: number;
  /** MAX_PAGE_SIZE (1000): largest page; larger counts are capped (RFC 7644 §3.4.2.4). */
  abstract readonly maxPageSize: number;
  /** CURSOR_TIMEOUT_SECONDS (3600): lifetime of an RFC 9865 cursor. */
  abstract readonly cursorTimeoutSeconds: number;
  /** BULK_MAX_OPERATIONS (1000). */
  abstract readonly bulkMaxOperations: number;
  /** BULK_MAX_PAYLOAD_SIZE in bytes (1 MiB; at most BODY_LIMIT). */
  abstract readonly bulkMaxPayloadSize: number;
  /** PATCH_MAX_OPERATIONS (1000): operations in one PatchOp request. */
  abstract readonly patchMaxOperations: number;
  /** FILTER_MAX_LENGTH (4096 characters). */
  abstract readonly filterMaxLength: number;
  /** FILTER_MAX_DEPTH (32): nesting of parentheses, not and value paths. */
  abstract readonly filterMaxDepth: number;
  /** STRICT_EXTENSIONS (false): refuse attributes of undeclared schema extensions with 400 invalidPath. */
  abstract readonly strictExtensions: boolean;
  /** JOURNAL_RETENTION_DAYS (30): change-journal entries older than this are deleted (both stores). */
  abstract readonly journalRetentionDays: number;
  /** PATCH_MAX_VALUES_PER_OPERATION (10000): values in one PATCH operation (Entra adds members by thousands). */
  abstract readonly patchMaxValuesPerOperation: number;
  /** ATTRIBUTE_MAX_LENGTH (65536 characters): longest string value of any attribute. */
  abstract readonly attributeMaxLength: number;

  // Throttling (src/throttling).
  /** RATE_LIMIT_PER_SECOND (200): sustained requests per second per credential; 0 turns rate limiting off. */
  abstract readonly rateLimitPerSecond: number;
  /** RATE_LIMIT_BURST (400): requests a credential may send at once above the sustained rate. */
  abstract readonly rateLimitBurst: number;
  /** AUTH_FAILURE_LIMIT_PER_MINUTE (10): failed authentications per client address and minute; 0 = off. */
  abstract readonly authFailureLimitPerMinute: number;
  /** REDIS_URL: set → rate-limit counters live in Redis, shared by every replica; unset → in memory. */
  abstract readonly redisUrl?: string;
  /**
   * TRUST_PROXY (loopback,linklocal,uniquelocal): which peers may set X-Forwarded-For/-Proto/-Host, i.e. the
   * ingress or load balancer. `true` trusts every peer (only safe when nothing reaches the server directly),
   * `false` none; otherwise a comma-separated list of addresses, CIDRs or the names loopback, linklocal,
   * uniquelocal. The client address it yields keys the failed-authentication throttle.
   */
  abstract readonly trustProxy: string;

  // Streaming transports (src/streaming/sse, src/streaming/nats).
  /** SSE_HEARTBEAT_SECONDS (15): a `: keep-alive` comment on idle SSE streams, so proxies keep them open. */
  abstract readonly sseHeartbeatSeconds: number;
  /** NATS_URL: set → `nats` subscriptions publish to NATS JetStream there; unset → they are refused. */
  abstract readonly natsUrl?: string;
  /** NATS_STREAM (SCIM_STREAM): the JetStream stream events go into; created with subjects `scim.>` if absent. */
  abstract readonly natsStream: string;

  /** TCP port (PORT, default 3000). */
  abstract readonly port: number;
  /** Listen address (HOST, default 0.0.0.0). */
  abstract readonly host: string;
  /** Where the embedded store keeps its SQLite file and generated keys (DATA_DIR, default ./data). */
  abstract readonly dataDir: string;
  /** MONGODB_URI: set → MongoDB store; unset → embedded store. */
  abstract readonly mongodbUri?: string;
  /** SCIM_TOKEN: the bearer token of the default tenant. */
  abstract readonly scimToken?: string;
  /**
   * ADMIN_TOKEN: the bearer token of the admin API under /admin (tenants, credentials). Unset → the admin API
   * answers 403 on every route. It is never a SCIM credential, and no SCIM credential opens /admin.
   */
  abstract readonly adminToken?: string;
  /** BASE_URL: public URL used in meta.location (…/scim/v2 is appended); derived from the request when unset. */
  abstract readonly baseUrl?: string;
  abstract readonly logLevel: LogLevel;
  /** BODY_LIMIT in bytes (default 1 MiB). */
  abstract readonly bodyLimit: number;
  /** Directory holding default configuration files (schema extensions, …): CONFIG_DIR, default ./config. */
  abstract readonly configDir: string;

  // OAuth 2.0 client credentials (RFC 6749 §4.4, src/auth/oauth): clients come from
  // <CONFIG_DIR>/oauth-clients.json and OAUTH_CLIENTS.
  /** OAUTH_ISSUER ("scim-stream"): `iss` of the access tokens issued by POST /oauth2/token. */
  abstract readonly oauthIssuer: string;
  /** OAUTH_AUDIENCE ("scim-stream"): `aud` of the access tokens; the guard accepts no other audience. */
  abstract readonly oauthAudience: string;
  /** OAUTH_TOKEN_TTL_SECONDS (3600): access-token lifetime, 1 to 6 hours (what Entra's validator checks). */
  abstract readonly oauthTokenTtlSeconds: number;
  /**
   * OAUTH_SIGNING_KEY: PEM private key (EC P-256 → ES256, Ed25519 → EdDSA, RSA → RS256) or a base64url secret
   * of at least 32 bytes (HS256). Unset → an ES256 key generated once and kept in the store (shared by replicas).
   */
  abstract readonly oauthSigningKey?: string;
  /** OAUTH_CLIENTS: JSON array of clients, in addition to those of <CONFIG_DIR>/oauth-clients.json. */
  abstract readonly oauthClients?: string;
}
