import { OAuthClientRecord, OAuthClientSecretRecord, TenantRecord, TokenRecord } from '../store/ports';
import type { EffectiveTenantSettings } from '../tenants/tenant-settings.service';

/** Admin API response shapes. Hashes never leave the server; secrets only once, in the create answers. */

export type CredentialStatus = 'active' | 'expired' | 'revoked';

export interface TenantView {
  id: string;
  name: string;
  disabled: boolean;
  createdAt: string;
  /** The tenant's own settings (what PATCH changes). */
  settings: NonNullable<TenantRecord['settings']>;
  /** What its requests run with: own settings, else the server-wide configuration. */
  effectiveSettings: EffectiveTenantSettings;
}

export interface TokenView {
  id: string;
  tenantId: string;
  label: string;
  createdAt: string;
  expiresAt?: string;
  /** Absent: full SCIM access to the tenant (and no stream management). */
  scopes?: string[];
  status: CredentialStatus;
}

/** A token as issued: the only time its secret value is shown. */
export interface IssuedTokenView extends TokenView {
  token: string;
}

export interface ClientSecretView {
  id: string;
  createdAt: string;
  expiresAt?: string;
  status: Exclude<CredentialStatus, 'revoked'>;
}

export interface OAuthClientView {
  clientId: string;
  tenantId: string;
  label: string;
  createdAt: string;
  status: Exclude<CredentialStatus, 'expired'>;
  secrets: ClientSecretView[];
}

/** A client secret as created: the only time its value is shown. */
export interface IssuedSecretView extends ClientSecretView {
  clientId: string;
  clientSecret: string;
}

export interface CreatedOAuthClientView extends OAuthClientView {
  clientSecret: string;
}

export interface ListView<T> {
  totalResults: number;
  items: T[];
}

export function listView<T>(items: T[]): ListView<T> {
  return { totalResults: items.length, items };
}

export function tenantView(tenant: TenantRecord, effective: EffectiveTenantSettings): TenantView {
  return {
    id: tenant.id,
    name: tenant.name,
    disabled: tenant.disabled,
    createdAt: tenant.createdAt,
    settings: tenant.settings ?? {},
    effectiveSettings: effective,
  };
}

export function tokenView(token: TokenRecord, now: number): TokenView {
  const view: TokenView = {
    id: token.id,
    tenantId: token.tenantId,
    label: token.label,
    createdAt: token.createdAt,
    status: token.revoked ? 'revoked' : isExpired(token.expiresAt, now) ? 'expired' : 'active',
  };
  if (token.expiresAt !== undefined) view.expiresAt = token.expiresAt;
  if (token.scopes !== undefined) view.scopes = token.scopes;
  return view;
}

export function secretView(secret: OAuthClientSecretRecord, now: number): ClientSecretView {
  const view: ClientSecretView = {
    id: secret.id,
    createdAt: secret.createdAt,
    status: isExpired(secret.expiresAt, now) ? 'expired' : 'active',
  };
  if (secret.expiresAt !== undefined) view.expiresAt = secret.expiresAt;
  return view;
}

export function clientView(client: OAuthClientRecord, now: number): OAuthClientView {
  return {
    clientId: client.clientId,
    tenantId: client.tenantId,
    label: client.label,
    createdAt: client.createdAt,
    status: client.revoked ? 'revoked' : 'active',
    secrets: client.secrets.map((s) => secretView(s, now)),
  };
}

export function isExpired(expiresAt: string | undefined, now: number): boolean {
  return expiresAt !== undefined && Date.parse(expiresAt) <= now;
}
