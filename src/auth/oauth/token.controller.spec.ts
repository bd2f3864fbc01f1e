import type { FastifyRequest } from 'fastify';
import { ScimError } from '../../scim/errors';
import { AuthFailureLimiter } from '../../throttling/auth-failure.limiter';
import { OAuthError } from './oauth-error';
import { TokenController } from './token.controller';
import { TokenEndpointService, TokenResponse } from './token-endpoint.service';

const REQUEST = { ip: '10.0.0.1' } as FastifyRequest;
const RESPONSE: TokenResponse = { access_token: 't', token_type: 'Bearer', expires_in: 3600, scope: 'scim' };

function setup(outcome: () => Promise<TokenResponse>, blocked = false) {
  const limiter = {
    assertNotBlocked: jest.fn(async () => {
      if (blocked) throw ScimError.tooManyRequests('Too many', 30);
    }),
    recordFailure: jest.fn(async () => undefined),
  };
  const endpoint = { handle: jest.fn(outcome) };
  const sut = new TokenController(
    endpoint as unknown as TokenEndpointService,
    limiter as unknown as AuthFailureLimiter,
  );
  return { sut, limiter, endpoint };
}

describe(TokenController.name, () => {
  it('answers the token response of the endpoint', async () => {
    const { sut, endpoint } = setup(async () => RESPONSE);

    await expect(sut.token(REQUEST, 'Basic x', { grant_type: 'client_credentials' })).resolves.toBe(RESPONSE);
    expect(endpoint.handle).toHaveBeenCalledWith('Basic x', { grant_type: 'client_credentials' });
  });

  it('counts a failed client authentication against the client address', async () => {
    const { sut, limiter } = setup(async () => {
      throw OAuthError.invalidClient('Client authentication failed');
    });

    await expect(sut.token(REQUEST, 'Basic x', {})).rejects.toThrow(OAuthError);
    expect(limiter.recordFailure).toHaveBeenCalledWith(REQUEST, 'invalid credentials');
  });

  it('records a request without any credentials as such', async () => {
    const { sut, limiter } = setup(async () => {
      throw OAuthError.invalidClient('Client authentication required');
    });

    await expect(sut.token(REQUEST, undefined, { grant_type: 'client_credentials' })).rejects.toThrow();
    expect(limiter.recordFailure).toHaveBeenCalledWith(REQUEST, 'no credentials');
  });

  it('does not count other errors (a malformed request is no guess)', async () => {
    const { sut, limiter } = setup(async () => {
      throw new OAuthError('unsupported_grant_type', 'x');
    });

    await expect(sut.token(REQUEST, 'Basic x', {})).rejects.toThrow();
    expect(limiter.recordFailure).not.toHaveBeenCalled();
  });

  it('refuses a blocked client address before looking at its credentials', async () => {
    const { sut, endpoint } = setup(async () => RESPONSE, true);

    await expect(sut.token(REQUEST, 'Basic x', {})).rejects.toMatchObject({ status: 429 });
    expect(endpoint.handle).not.toHaveBeenCalled();
  });
});
