import { Global, Injectable, Module } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A module's own error format for its own routes (e.g. RFC 6749 §5.2 bodies on the OAuth token endpoint).
 * The global ScimExceptionFilter asks the registered renderers first and renders a SCIM error otherwise, so
 * src/http knows no feature module's errors (docs/architecture.md: no import cycles between folders).
 */
export interface ErrorRenderer {
  /** Whether this renderer answers for this exception on this request. */
  handles(exception: unknown, request: FastifyRequest): boolean;
  /** Logs what must be logged and sends the reply (unless one was sent already). */
  render(exception: unknown, request: FastifyRequest, reply: FastifyReply): void;
}

/** Where modules register their ErrorRenderers at init; the exception filter reads it. */
@Injectable()
export class ErrorRendererRegistry {
  private readonly renderers: ErrorRenderer[] = [];

  register(renderer: ErrorRenderer): void {
    this.renderers.push(renderer);
  }

  find(exception: unknown, request: FastifyRequest): ErrorRenderer | undefined {
    return this.renderers.find((renderer) => renderer.handles(exception, request));
  }
}

/** Infrastructure every module may need (global): the registry of error renderers. */
@Global()
@Module({ providers: [ErrorRendererRegistry], exports: [ErrorRendererRegistry] })
export class HttpErrorsModule {}
