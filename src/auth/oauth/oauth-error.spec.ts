import { HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorCodes } from 'fastify';
import { ScimError } from '../../scim/errors';
import { isOAuthTokenRoute, OAuthError, sendOAuthError, toOAuthError } from './oauth-error';

const REQUEST = {
  id: 'req-1',
  routeOptions: { url: '/oauth2/token' },
  is404: false,
} as unknown as FastifyRequest;

describe(OAuthError.name, () => {
  it('is 400 without headers by default', () => {
    const sut = new OAuthError('invalid_scope', 'x');

    expect([sut.status, sut.headers]).toEqual([400, {}]);
  });

  it('is 401 with a Basic challenge for invalid_client (RFC 6749 §5.2)', () => {
    const sut = OAuthError.invalidClient('x');

    expect([sut.status, sut.headers]).toEqual([401, { 'WWW-Authenticate': 'Basic realm="scim-stream"' }]);
  });

  it('has the RFC 6749 §5.2 body', () => {
    expect(OAuthError.invalidRequest('Missing grant_type').toBody()).toEqual({
      error: 'invalid_request',
      error_description: 'Missing grant_type',
    });
  });
});

describe(toOAuthError.name, () => {
  it('keeps an OAuthError', () => {
    const error = OAuthError.invalidRequest('x');

    expect(toOAuthError(error, REQUEST)).toEqual({ error, unexpected: false });
  });

  it('turns a Fastify body error into invalid_request with its status', () => {
    const { error, unexpected } = toOAuthError(
      new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/plain'),
      REQUEST,
    );

    expect([error.error, error.status, unexpected]).toEqual(['invalid_request', 415, false]);
  });

  it('recognises a Fastify error wrapped by Nest as the cause of an HttpException', () => {
    const cause = new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    const wrapped = new HttpException('too large', 413, { cause });

    expect(toOAuthError(wrapped, REQUEST).error).toMatchObject({ error: 'invalid_request', status: 413 });
  });

  it('turns anything else into a 500 server_error carrying the correlation id only', () => {
    const { error, unexpected } = toOAuthError(new Error('database password is hunter2'), REQUEST);

    expect(error.toBody()).toEqual({
      error: 'server_error',
      error_description: 'Internal server error; correlation id req-1',
    });
    expect([error.status, unexpected]).toEqual([500, true]);
  });
});

describe(sendOAuthError.name, () => {
  it('sends JSON that must not be cached, with the error headers', () => {
    const headers: Record<string, string> = {};
    const reply = {
      status: jest.fn(),
      header: jest.fn((name: string, value: string) => (headers[name] = value)),
      send: jest.fn(),
    };

    sendOAuthError(reply as unknown as FastifyReply, OAuthError.invalidClient('nope'));

    expect(reply.status).toHaveBeenCalledWith(401);
    expect(headers).toEqual({
      'WWW-Authenticate': 'Basic realm="scim-stream"',
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
    });
    expect(reply.send).toHaveBeenCalledWith({ error: 'invalid_client', error_description: 'nope' });
  });
});

describe(isOAuthTokenRoute.name, () => {
  it('is true for the token endpoint only', () => {
    expect(isOAuthTokenRoute(REQUEST)).toBe(true);
    expect(isOAuthTokenRoute({ ...REQUEST, routeOptions: { url: '/scim/v2/Users' } } as FastifyRequest)).toBe(
      false,
    );
  });
});

describe(`${toOAuthError.name} (ScimErrors of shared machinery)`, () => {
  it('turns the 429 of the failed-authentication throttle into temporarily_unavailable, keeping Retry-After', () => {
    const { error } = toOAuthError(ScimError.tooManyRequests('Too many failed attempts', 42), REQUEST);

    expect([error.error, error.status, error.headers]).toEqual([
      'temporarily_unavailable',
      429,
      { 'Retry-After': '42' },
    ]);
  });

  it('turns the 503 of a store that cannot write into temporarily_unavailable, keeping Retry-After', () => {
    const unavailable = new ScimError(503, undefined, 'the store cannot write', { 'Retry-After': '30' });

    const { error, unexpected } = toOAuthError(unavailable, REQUEST);

    expect([error.error, error.status, error.headers, unexpected]).toEqual([
      'temporarily_unavailable',
      503,
      { 'Retry-After': '30' },
      false,
    ]);
  });

  it('turns another 4xx ScimError into invalid_request', () => {
    expect(toOAuthError(ScimError.badRequest('x'), REQUEST).error).toMatchObject({
      error: 'invalid_request',
      status: 400,
    });
  });
});
