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
    assertNotBlocked: jest.fn(async (_request: FastifyRequest, _credential: string | undefined) => {
      if (blocked) throw ScimError.tooManyRequests('Too many', 30);
    }),
    recordFailure: jest.fn(
      async (_request: FastifyRequest, _credential: string | undefined, _reason: string): Promise<unknown> =>
        undefined,
    ),
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

  it('counts a failed client authentication against the client address and the presented credential', async () => {
    const { sut, limiter } = setup(async () => {
      throw OAuthError.invalidClient('Client authentication failed');
    });

    await expect(sut.token(REQUEST, 'Basic x', {})).rejects.toThrow(OAuthError);
    await expect(sut.token(REQUEST, undefined, { client_id: 'c', client_secret: 's' })).rejects.toThrow();
    await expect(sut.token(REQUEST, undefined, { client_id: 'c', client_secret: 't' })).rejects.toThrow();
    expect(limiter.assertNotBlocked.mock.calls).toEqual(
      limiter.recordFailure.mock.calls.map(([request, credential]) => [request, credential]),
    );
    const credentials = limiter.recordFailure.mock.calls.map((call) => call[1]);
    expect(new Set(credentials).size).toBe(3);
    expect(limiter.recordFailure.mock.calls.map((call) => call[2])).toEqual(
      Array(3).fill('invalid credentials'),
    );
  });

  it('answers the 429 of the limiter instead of invalid_client when the address is over its ceiling', async () => {
    const { sut, limiter } = setup(async () => {
      throw OAuthError.invalidClient('Client authentication failed');
    });
    limiter.recordFailure.mockResolvedValueOnce(ScimError.tooManyRequests('Too many', 30) as never);

    await expect(sut.token(REQUEST, 'Basic x', {})).rejects.toMatchObject({ status: 429 });
  });

  it('records a request without any credentials as such', async () => {
    const { sut, limiter } = setup(async () => {
      throw OAuthError.invalidClient('Client authentication required');
    });

    await expect(sut.token(REQUEST, undefined, { grant_type: 'client_credentials' })).rejects.toThrow();
    expect(limiter.recordFailure).toHaveBeenCalledWith(REQUEST, undefined, 'no credentials');
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
