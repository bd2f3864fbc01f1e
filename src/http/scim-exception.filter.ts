import { ArgumentsHost, Catch, ExceptionFilter, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { ErrorRendererRegistry } from './error-renderers';
import { sendScimError, toScimError } from './scim-error.renderer';

/**
 * The one global exception filter (architecture §5): every error leaves as a SCIM error body with
 * Content-Type application/scim+json — ScimErrors as they are, Nest HttpExceptions (unknown routes),
 * Fastify body errors (malformed JSON 400, too large 413, media type 415), and anything else as a 500 whose
 * detail carries the request id as correlation id; the stack goes to the log, never to the client.
 * Exception: routes whose module registered an ErrorRenderer (the OAuth token endpoint answers RFC 6749 §5.2
 * bodies, src/auth/oauth/oauth-error.renderer.ts).
 */
@Catch()
@Injectable()
export class ScimExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly config: AppConfig,
    private readonly renderers: ErrorRendererRegistry,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const renderer = this.renderers.find(exception, request);
    if (renderer) {
      renderer.render(exception, request, reply);
      return;
    }
    const { error, unexpected } = toScimError(exception, request, this.config.bodyLimit);
    if (unexpected) request.log.error({ err: exception }, 'unhandled exception');
    if (reply.sent) return;
    sendScimError(reply, error);
  }
}
