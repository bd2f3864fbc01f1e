import { Injectable, OnModuleInit } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorRenderer, ErrorRendererRegistry } from '../../http/error-renderers';
import { isOAuthTokenRoute, OAuthError, sendOAuthError, toOAuthError } from './oauth-error';

/**
 * The OAuth token endpoint is not a SCIM endpoint: its errors are RFC 6749 §5.2 JSON, body errors included.
 * Registered with the global exception filter's ErrorRendererRegistry at init.
 */
@Injectable()
export class OAuthErrorRenderer implements ErrorRenderer, OnModuleInit {
  constructor(private readonly registry: ErrorRendererRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  handles(exception: unknown, request: FastifyRequest): boolean {
    return exception instanceof OAuthError || isOAuthTokenRoute(request);
  }

  render(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const oauth = toOAuthError(exception, request);
    if (oauth.unexpected) request.log.error({ err: exception }, 'unhandled exception');
    if (!reply.sent) sendOAuthError(reply, oauth.error);
  }
}
