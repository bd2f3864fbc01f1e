import { Body, Controller, Header, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../../http/public.decorator';
import { AuthFailureLimiter } from '../../throttling/auth-failure.limiter';
import { FORM_MEDIA_TYPE } from './form-body.parser';
import { OAUTH_TOKEN_PATH, OAuthError } from './oauth-error';
import { TokenEndpointService, TokenResponse } from './token-endpoint.service';

/**
 * POST /oauth2/token (RFC 6749 §3.2, §4.4). Public: the client authenticates with its own credentials here.
 * Errors are OAuthErrors, rendered by the global exception filter as RFC 6749 §5.2 JSON (oauth-error.ts).
 * Failed client authentications count against the client address and presented credential like failed bearer
 * tokens do (AuthFailureLimiter): after too many, that credential gets 429 from that address.
 */
@ApiTags('OAuth')
@Controller()
export class TokenController {
  constructor(
    private readonly endpoint: TokenEndpointService,
    private readonly authFailures: AuthFailureLimiter,
  ) {}

  @Public()
  @Post(OAUTH_TOKEN_PATH)
  @HttpCode(200)
  // RFC 6749 §5.1: the response carries a credential and must not be cached.
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiConsumes(FORM_MEDIA_TYPE, 'application/json')
  @ApiOperation({
    summary:
      'OAuth 2.0 client credentials grant (RFC 6749 §4.4): client_secret_basic and/or client_secret_post',
  })
  async token(
    @Req() request: FastifyRequest,
    @Headers('authorization') authorization: string | undefined,
    @Body() body: unknown,
  ): Promise<TokenResponse> {
    const credential = presentedClientCredential(authorization, body);
    await this.authFailures.assertNotBlocked(request, credential);
    try {
      return await this.endpoint.handle(authorization, body);
    } catch (error) {
      if (error instanceof OAuthError && error.error === 'invalid_client') {
        const reason = credential === undefined ? 'no credentials' : 'invalid credentials';
        throw (await this.authFailures.recordFailure(request, credential, reason)) ?? error;
      }
      throw error;
    }
  }
}

/** The client's credential as presented: HTTP Basic and/or client_id and client_secret of the body. */
function presentedClientCredential(authorization: string | undefined, body: unknown): string | undefined {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (authorization === undefined && !('client_id' in fields)) return undefined;
  return JSON.stringify([authorization ?? null, fields.client_id ?? null, fields.client_secret ?? null]);
}
