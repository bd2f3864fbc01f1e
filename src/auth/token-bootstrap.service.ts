import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { StaticTokenRepository, TenantRepository, TokenRecord } from '../store/ports';
import { generateToken, hashToken } from './token-hash';

export const DEFAULT_TENANT_ID = 'default';
export const ENV_TOKEN_LABEL = 'SCIM_TOKEN';
export const GENERATED_TOKEN_LABEL = 'generated';

/**
 * Makes a fresh install usable and never open (no token = no access):
 * - the default tenant exists;
 * - SCIM_TOKEN set → its hash is a token of the default tenant; earlier SCIM_TOKEN values and generated
 *   tokens are revoked, because the operator has now chosen the token;
 * - SCIM_TOKEN unset and no active token → a random token is generated, only its hash stored, and the token
 *   printed once in a framed warning. It is never logged anywhere else.
 */
@Injectable()
export class TokenBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(
    private readonly config: AppConfig,
    private readonly tenants: TenantRepository,
    private readonly tokens: StaticTokenRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureDefaultTenant();
    if (this.config.scimToken !== undefined) await this.adoptEnvToken(this.config.scimToken);
    else await this.ensureSomeActiveToken();
  }

  private async ensureDefaultTenant(): Promise<void> {
    if (await this.tenants.findTenant(DEFAULT_TENANT_ID)) return;
    await this.tenants.upsertTenant({
      id: DEFAULT_TENANT_ID,
      name: 'Default tenant',
      disabled: false,
      createdAt: new Date().toISOString(),
    });
    this.logger.log(`Created tenant "${DEFAULT_TENANT_ID}"`);
  }

  private async adoptEnvToken(token: string): Promise<void> {
    const hash = hashToken(token);
    const existing = await this.tokens.findTokenByHash(hash);
    if (existing && existing.tenantId !== DEFAULT_TENANT_ID) {
      throw new Error(
        `SCIM_TOKEN is already a credential of tenant "${existing.tenantId}"; choose another value`,
      );
    }
    if (existing?.revoked) {
      // Revocation is deliberate: a revoked secret does not come back by restarting with it.
      this.logger.warn('SCIM_TOKEN has been revoked; requests using it are refused. Set a new SCIM_TOKEN.');
    }
    if (!existing) {
      await this.tokens.insertToken(this.record(hash, ENV_TOKEN_LABEL));
      this.logger.log(`SCIM_TOKEN registered for tenant "${DEFAULT_TENANT_ID}"`);
    }
    // Only bootstrap tokens older than this SCIM_TOKEN are superseded: a token rotated from it through the
    // admin API keeps its label but is newer, and must survive a restart with the same SCIM_TOKEN.
    const superseded = (await this.tokens.listTokens(DEFAULT_TENANT_ID)).filter(
      (t) =>
        !t.revoked &&
        t.hash !== hash &&
        (t.label === ENV_TOKEN_LABEL || t.label === GENERATED_TOKEN_LABEL) &&
        (!existing || t.createdAt < existing.createdAt),
    );
    for (const token of superseded) await this.tokens.revokeToken(DEFAULT_TENANT_ID, token.id);
    if (superseded.length > 0) {
      this.logger.log(
        `Revoked ${superseded.length} earlier bootstrap token(s) of tenant "${DEFAULT_TENANT_ID}"`,
      );
    }
  }

  private async ensureSomeActiveToken(): Promise<void> {
    const now = Date.now();
    const active = (await this.tokens.listTokens(DEFAULT_TENANT_ID)).filter(
      (t) => !t.revoked && (t.expiresAt === undefined || Date.parse(t.expiresAt) > now),
    );
    if (active.length > 0) return;
    const token = generateToken();
    await this.tokens.insertToken(this.record(hashToken(token), GENERATED_TOKEN_LABEL));
    this.logger.warn(
      `==== NO SCIM_TOKEN CONFIGURED: generated bearer token for tenant "${DEFAULT_TENANT_ID}": ${token} ` +
        '==== It is shown only this once (only its hash is stored); set SCIM_TOKEN to choose your own. ====',
    );
  }

  private record(hash: string, label: string): TokenRecord {
    return {
      id: randomUUID(),
      tenantId: DEFAULT_TENANT_ID,
      label,
      hash,
      createdAt: new Date().toISOString(),
      revoked: false,
    };
  }
}
