import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { BearerAuthGuard } from './bearer-auth.guard';
import { BearerStrategy } from './bearer.strategy';
import { CredentialResolver } from './credential.resolver';
import { CREDENTIAL_VERIFIERS } from './credential-verifier';
import { StaticTokenVerifier } from './static-token.verifier';
import { TokenBootstrapService } from './token-bootstrap.service';

/**
 * Bearer authentication. The guard itself is registered as APP_GUARD in AppModule; this module supplies the
 * passport strategy, the credential resolution chain and the boot-time token provisioning.
 * Repositories come from the global StoreModule.
 */
@Module({
  exports: [BearerAuthGuard, CredentialResolver],
  imports: [PassportModule.register({ session: false })],
  providers: [
    BearerAuthGuard,
    BearerStrategy,
    CredentialResolver,
    StaticTokenVerifier,
    TokenBootstrapService,
    // Add further verifiers (e.g. an OAuth JWT verifier) here, in order of precedence.
    {
      provide: CREDENTIAL_VERIFIERS,
      inject: [StaticTokenVerifier],
      useFactory: (...verifiers: unknown[]) => verifiers,
    },
  ],
})
export class AuthModule {}
