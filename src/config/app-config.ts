/**
 * Typed configuration, validated once at boot by loadConfig() (src/config/load-config.ts) and injected as
 * the AppConfig provider. Nothing outside src/config reads process.env.
 */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export abstract class AppConfig {
  // SCIM protocol limits and switches (the ScimSettings of src/resources/scim-settings.ts); each is advertised
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
  /** BASE_URL: public URL used in meta.location (…/scim/v2 is appended); derived from the request when unset. */
  abstract readonly baseUrl?: string;
  abstract readonly logLevel: LogLevel;
  /** BODY_LIMIT in bytes (default 1 MiB). */
  abstract readonly bodyLimit: number;
  /** Directory holding default configuration files (schema extensions, …): CONFIG_DIR, default ./config. */
  abstract readonly configDir: string;
}
