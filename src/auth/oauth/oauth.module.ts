import { ThrottlingModule } from '../../throttling/throttling.module';
import { Logger, Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { OAuthClientRepository, ServerSecretRepository } from '../../store/ports';
import { AccessTokenService } from './access-token.service';
import { JwtCredentialVerifier } from './jwt-credential.verifier';
import { AuthenticationSchemes } from './oauth-authentication-schemes';
import { CONFIGURED_OAUTH_CLIENTS, OAuthClientRegistry } from './oauth-client.registry';
import { loadOAuthClients, OAuthClient } from './oauth-clients.config';
import { loadSigningKey, SigningKey } from './signing-key';
import { TokenController } from './token.controller';
import { TokenEndpointService } from './token-endpoint.service';
import { OAuthErrorRenderer } from './oauth-error.renderer';

const logger = new Logger('OAuth');

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4): the token endpoint, the JWT access tokens and their verifier
 * (registered in CREDENTIAL_VERIFIERS by AuthModule). Clients and signing key are loaded at boot; a bad
 * declaration stops the boot with a message naming the file or setting. Exports AuthenticationSchemes
 * (ServiceProviderConfig) and OAuthClientRegistry (the admin API refuses to shadow a declared client).
 * OAuthClientRepository and ServerSecretRepository come from the global StoreModule (infrastructure).
 */
@Module({
  imports: [ThrottlingModule],
  controllers: [TokenController],
  providers: [
    {
      provide: CONFIGURED_OAUTH_CLIENTS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const clients = loadOAuthClients(config);
        if (clients.length > 0) {
          logger.log(
            `${clients.length} OAuth client(s) configured: ${clients.map((c) => `"${c.id}"`).join(', ')}`,
          );
        }
        return clients;
      },
    },
    {
      provide: OAuthClientRegistry,
      inject: [CONFIGURED_OAUTH_CLIENTS, OAuthClientRepository],
      useFactory: (clients: OAuthClient[], storedClients: OAuthClientRepository) =>
        new OAuthClientRegistry(clients, storedClients),
    },
    {
      provide: SigningKey,
      inject: [AppConfig, ServerSecretRepository],
      useFactory: (config: AppConfig, secrets: ServerSecretRepository) =>
        loadSigningKey(config, secrets, (message) => logger.log(message)),
    },
    AccessTokenService,
    OAuthErrorRenderer,
    AuthenticationSchemes,
    JwtCredentialVerifier,
    TokenEndpointService,
  ],
  exports: [AuthenticationSchemes, JwtCredentialVerifier, OAuthClientRegistry],
})
export class OAuthModule {}
