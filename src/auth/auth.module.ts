import { ThrottlingModule } from '../throttling/throttling.module';
import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { BearerAuthGuard } from './bearer-auth.guard';
import { BearerStrategy } from './bearer.strategy';
import { CredentialCacheModule } from './credential-cache';
import { CredentialResolver } from './credential.resolver';
import { CREDENTIAL_VERIFIERS } from './credential-verifier';
import { JwtCredentialVerifier } from './oauth/jwt-credential.verifier';
import { OAuthModule } from './oauth/oauth.module';
import { StaticTokenVerifier } from './static-token.verifier';
import { TokenBootstrapService } from './token-bootstrap.service';

/**
 * Bearer authentication. The guard itself is registered as APP_GUARD in AppModule; this module supplies the
 * passport strategy, the credential resolution chain, the boot-time token provisioning and (OAuthModule) the
 * OAuth 2.0 client-credentials token endpoint.
 * Repositories come from the global StoreModule.
 */
@Module({
  exports: [BearerAuthGuard, CredentialResolver],
  imports: [
    CredentialCacheModule,
    ThrottlingModule,
    OAuthModule,
    PassportModule.register({ session: false }),
  ],
  providers: [
    BearerAuthGuard,
    BearerStrategy,
    CredentialResolver,
    StaticTokenVerifier,
    TokenBootstrapService,
    // In order of precedence: static tokens first (an operator-chosen SCIM_TOKEN may look like a JWT), then
    // the OAuth access tokens of POST /oauth2/token.
    {
      provide: CREDENTIAL_VERIFIERS,
      inject: [StaticTokenVerifier, JwtCredentialVerifier],
      useFactory: (...verifiers: unknown[]) => verifiers,
    },
  ],
})
export class AuthModule {}
