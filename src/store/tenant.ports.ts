/**
 * The tenant and credential aggregates: tenants, static bearer tokens, OAuth clients. One port per aggregate
 * (issue "One write path"): each is read and written by different services (tenant settings, the bearer
 * check, the token endpoint, the admin API), and only hashes of secrets are ever stored.
 */
/** A tenant: one customer directory, with its own users, groups, credentials and settings. */
export interface TenantRecord {
  id: string;
  name: string;
  disabled: boolean;
  createdAt: string;
  /** Per-tenant settings; absent fields fall back to the server-wide configuration. */
  settings?: TenantSettings;
}

export interface TenantSettings {
  /** Undeclared extension attributes: refused (400 invalidPath) when true, stored as strings when false. */
  strictExtensions?: boolean;
  /** Requests per second allowed per credential of this tenant (sustained), and the burst above it. */
  rateLimit?: { requestsPerSecond: number; burst?: number };
}

export interface TokenRecord {
  id: string;
  tenantId: string;
  label: string;
  /** SHA-256 of the token, hex. Tokens are high-entropy random strings, so a fast hash is adequate. */
  hash: string;
  createdAt: string;
  expiresAt?: string;
  revoked: boolean;
  /**
   * What the token may do (src/auth/scim-access.ts scopes): absent = full SCIM access to its tenant, as every
   * token had before scopes; e.g. `["ssf.manage"]` = SSF stream management only.
   */
  scopes?: string[];
}

/** One secret of an OAuth client (RFC 6749 §2.3.1). Several may be active at once, so a secret can be rotated. */
export interface OAuthClientSecretRecord {
  id: string;
  /** SHA-256 of the secret, hex. Secrets are high-entropy random strings, like tokens. */
  hash: string;
  createdAt: string;
  expiresAt?: string;
}

/** An OAuth 2.0 client of the client-credentials grant (RFC 6749 §4.4); it belongs to exactly one tenant. */
export interface OAuthClientRecord {
  /** The client_id: unique across tenants, because the token endpoint learns the tenant from it. */
  clientId: string;
  tenantId: string;
  label: string;
  createdAt: string;
  revoked: boolean;
  secrets: OAuthClientSecretRecord[];
}

/** Tenants and their settings. */
export abstract class TenantRepository {
  abstract findTenant(tenantId: string): Promise<TenantRecord | null>;
  abstract upsertTenant(tenant: TenantRecord): Promise<void>;
  /** Creates a tenant; throws ScimError 409 when a tenant with this id exists. */
  abstract insertTenant(tenant: TenantRecord): Promise<void>;
  /** All tenants, ordered by id (admin API). */
  abstract listTenants(): Promise<TenantRecord[]>;
}

/** Static bearer tokens (the credential Entra's "Secret Token" field holds), found by the hash of the token. */
export abstract class StaticTokenRepository {
  abstract findTokenByHash(hash: string): Promise<TokenRecord | null>;
  /** Throws ScimError 409 when a token with the same id or hash exists. */
  abstract insertToken(token: TokenRecord): Promise<void>;
  /** The tokens of one tenant, ordered by createdAt then id. */
  abstract listTokens(tenantId: string): Promise<TokenRecord[]>;
  /** Marks a token revoked. Returns false when the tenant has no token with this id. */
  abstract revokeToken(tenantId: string, tokenId: string): Promise<boolean>;
  /** Sets a token's expiry (rotation with a grace period). Returns false when the tenant has no such token. */
  abstract expireToken(tenantId: string, tokenId: string, expiresAt: string): Promise<boolean>;
}

/** OAuth 2.0 clients of the client-credentials grant and their secrets. */
export abstract class OAuthClientRepository {
  /** Throws ScimError 409 when a client with the same clientId exists (in any tenant). */
  abstract insertOAuthClient(client: OAuthClientRecord): Promise<void>;
  /** By client_id alone: the token endpoint does not know the tenant yet. */
  abstract findOAuthClient(clientId: string): Promise<OAuthClientRecord | null>;
  /** The clients of one tenant, ordered by createdAt then clientId. */
  abstract listOAuthClients(tenantId: string): Promise<OAuthClientRecord[]>;
  /** Adds a secret to a client of the tenant. Returns false when the tenant has no such client. */
  abstract addOAuthClientSecret(
    tenantId: string,
    clientId: string,
    secret: OAuthClientSecretRecord,
  ): Promise<boolean>;
  /** Removes one secret. Returns false when the tenant has no such client or the client no such secret. */
  abstract removeOAuthClientSecret(tenantId: string, clientId: string, secretId: string): Promise<boolean>;
  /** Marks a client revoked. Returns false when the tenant has no such client. */
  abstract revokeOAuthClient(tenantId: string, clientId: string): Promise<boolean>;
}
