import { Injectable } from '@nestjs/common';
import { OAuthClientRecord, OAuthClientRepository } from '../../store/ports';
import { hashClientSecret, normaliseSecretHash, secretFingerprint, secretHashesEqual } from './client-secret';
import { DEFAULT_CLIENT_SCOPES, OAuthClient, OAuthClientSecret } from './oauth-clients.config';

export interface AuthenticatedClient {
  client: OAuthClient;
  /** The secret that matched (its fingerprint goes into the token). */
  secret: OAuthClientSecret;
}

/** Why authentication failed: logged for the operator, never told to the caller (RFC 6749 §5.2 invalid_client). */
export type ClientRejection = 'unknown_client' | 'disabled_client' | 'wrong_secret' | 'expired_secret';

export type ClientAuthentication =
  | ({ ok: true } & AuthenticatedClient)
  | { ok: false; reason: ClientRejection; clientId: string; secretLabel?: string };

/** Compared against when the client is unknown, so that an unknown client costs what a wrong secret costs. */
const DUMMY_SECRETS: readonly OAuthClientSecret[] = [
  { hash: hashClientSecret('no such client'), fingerprint: '' },
];

/** DI token of the clients declared in configuration (oauth-clients.json, OAUTH_CLIENTS). */
export const CONFIGURED_OAUTH_CLIENTS = Symbol('CONFIGURED_OAUTH_CLIENTS');

/**
 * The OAuth clients: those declared in configuration (oauth-clients.config.ts), then those created through
 * the admin API and kept in the store (OAuthClientRepository.findOAuthClient). A configured client id shadows a
 * stored one. Both are read on every call, so removing, disabling or revoking a client takes effect on the
 * next request.
 */
@Injectable()
export class OAuthClientRegistry {
  private readonly configured: ReadonlyMap<string, OAuthClient>;

  constructor(
    configured: readonly OAuthClient[],
    private readonly storedClients: OAuthClientRepository,
  ) {
    this.configured = new Map(configured.map((c) => [c.id, c]));
  }

  /** Number of clients declared in configuration. */
  get configuredCount(): number {
    return this.configured.size;
  }

  /**
   * Whether `clientId` is declared in configuration. Such an id shadows any stored client, so the admin API
   * must not create a client with it: its secret would never authenticate.
   */
  isConfigured(clientId: string): boolean {
    return this.configured.has(clientId);
  }

  async find(clientId: string): Promise<OAuthClient | null> {
    const configured = this.configured.get(clientId);
    if (configured) return configured;
    const stored = await this.storedClients.findOAuthClient(clientId);
    return stored ? fromRecord(stored) : null;
  }

  /**
   * Checks client_id and client_secret (RFC 6749 §2.3.1). The presented secret is hashed and compared in
   * constant time with every secret of the client — all of them, whichever matches — and with a dummy when
   * the client is unknown, so timing tells neither whether the client exists nor which secret matched.
   * A secret past its notAfter no longer authenticates.
   */
  async authenticate(
    clientId: string,
    secret: string,
    now: Date = new Date(),
  ): Promise<ClientAuthentication> {
    const client = await this.find(clientId);
    const presented = hashClientSecret(secret);
    let matched: OAuthClientSecret | undefined;
    for (const candidate of client?.secrets.length ? client.secrets : DUMMY_SECRETS) {
      if (secretHashesEqual(candidate.hash, presented) && matched === undefined) matched = candidate;
    }
    if (!client) return { ok: false, reason: 'unknown_client', clientId };
    if (!matched) return { ok: false, reason: 'wrong_secret', clientId };
    if (client.disabled) return { ok: false, reason: 'disabled_client', clientId };
    if (matched.notAfter !== undefined && Date.parse(matched.notAfter) <= now.getTime()) {
      return { ok: false, reason: 'expired_secret', clientId, secretLabel: matched.label };
    }
    return { ok: true, client, secret: matched };
  }
}

/** A client of the admin API (ports.ts OAuthClientRecord: secrets as SHA-256 hex) in the shape used here. */
export function fromRecord(record: OAuthClientRecord): OAuthClient {
  const secrets: OAuthClientSecret[] = [];
  for (const s of record.secrets) {
    const hash = normaliseSecretHash(s.hash);
    if (!hash) continue;
    const secret: OAuthClientSecret = { hash, fingerprint: secretFingerprint(hash), label: s.id };
    if (s.expiresAt !== undefined) secret.notAfter = s.expiresAt;
    secrets.push(secret);
  }
  return {
    id: record.clientId,
    tenantId: record.tenantId,
    name: record.label,
    secrets,
    scopes: [...DEFAULT_CLIENT_SCOPES],
    disabled: record.revoked,
  };
}
