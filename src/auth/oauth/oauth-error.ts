import { HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { routeTemplate } from '../../http/route-template';
import { ScimError } from '../../scim/errors';
import { fastifyErrorOf } from '../../http/scim-error.renderer';

/** The token endpoint (RFC 6749 §3.2). Entra's "Token Endpoint" setting is `<server>/oauth2/token`. */
export const OAUTH_TOKEN_PATH = '/oauth2/token';

/** Realm of the Basic challenge the token endpoint sends with invalid_client (RFC 6749 §5.2, RFC 7617). */
export const OAUTH_BASIC_CHALLENGE = 'Basic realm="scim-stream"';

/**
 * Error codes of RFC 6749 §5.2, plus two that RFC 6749 §4.1.2.1 names: server_error for our own faults and
 * temporarily_unavailable for a throttled credential (429) or a store that cannot write (503).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'temporarily_unavailable'
  | 'server_error';

export interface OAuthErrorBody {
  error: OAuthErrorCode;
  error_description: string;
}

/**
 * An error of the token endpoint. It is NOT a ScimError: RFC 6749 §5.2 prescribes its own JSON body, and the
 * global exception filter renders it as such. Named fields (`status`, not `statusCode`) keep Nest's Fastify
 * adapter from wrapping it into an HttpException when it is thrown by the body parser.
 */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status: number = error === 'invalid_client' ? 401 : error === 'server_error' ? 500 : 400,
    readonly headers: Readonly<Record<string, string>> = error === 'invalid_client'
      ? { 'WWW-Authenticate': OAUTH_BASIC_CHALLENGE }
      : {},
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  toBody(): OAuthErrorBody {
    return { error: this.error, error_description: this.description };
  }

  static invalidRequest(description: string): OAuthError {
    return new OAuthError('invalid_request', description);
  }

  /**
   * RFC 6749 §5.2: 401, and the WWW-Authenticate challenge of the scheme the client used. It is sent even when
   * the client authenticated with form fields: an HTTP 401 always carries a challenge (RFC 9110 §15.5.2).
   */
  static invalidClient(description: string): OAuthError {
    return new OAuthError('invalid_client', description);
  }
}

export interface MappedOAuthError {
  error: OAuthError;
  /** True for faults of ours: logged with their stack, answered with a correlation id only. */
  unexpected: boolean;
}

/** True when the request was routed to the token endpoint: everything it answers is an RFC 6749 §5.2 error. */
export function isOAuthTokenRoute(request: FastifyRequest): boolean {
  return routeTemplate(request) === OAUTH_TOKEN_PATH;
}

/**
 * Maps anything thrown while serving the token endpoint to the OAuth error the client gets: body errors of
 * Fastify (bad JSON, too large, unsupported media type) are the client's invalid_request, with their status.
 */
export function toOAuthError(exception: unknown, request: FastifyRequest): MappedOAuthError {
  if (exception instanceof OAuthError) return { error: exception, unexpected: false };
  // ScimErrors reach this endpoint from shared machinery, e.g. the failed-authentication throttle (429) or a
  // store that cannot write (503 with Retry-After).
  if (exception instanceof ScimError && (exception.status < 500 || exception.status === 503)) {
    const code =
      exception.status === 429 || exception.status === 503 ? 'temporarily_unavailable' : 'invalid_request';
    return {
      error: new OAuthError(code, exception.detail, exception.status, exception.headers),
      unexpected: false,
    };
  }
  const fastify = fastifyErrorOf(exception);
  if (fastify) {
    const status = fastify.statusCode ?? 400;
    if (status < 500) {
      return {
        error: new OAuthError('invalid_request', describeBodyError(fastify.code, fastify.message), status),
        unexpected: false,
      };
    }
  }
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    return {
      error: new OAuthError('invalid_request', exception.message, exception.getStatus()),
      unexpected: false,
    };
  }
  return {
    error: new OAuthError('server_error', `Internal server error; correlation id ${request.id}`),
    unexpected: true,
  };
}

/** RFC 6749 §5.1/§5.2: JSON, never cached (the body may carry a credential). */
export function sendOAuthError(reply: FastifyReply, error: OAuthError): void {
  reply.status(error.status);
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  reply.header('Content-Type', 'application/json; charset=utf-8');
  reply.header('Cache-Control', 'no-store');
  reply.header('Pragma', 'no-cache');
  void reply.send(error.toBody());
}

function describeBodyError(code: string, message: string): string {
  switch (code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Send the token request as application/x-www-form-urlencoded (RFC 6749 §4.4.2) or application/json';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'Request body is not valid JSON';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Request body is empty';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'Request body is too large for a token request';
    default:
      return message;
  }
}
