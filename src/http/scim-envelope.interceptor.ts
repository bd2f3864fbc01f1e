import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { ListResult } from './list-result';
import { SCIM_CONTENT_TYPE } from './media-types';
import { isScimRoute } from './route-template';
import { ScimResponse } from './scim-response';

/**
 * Shapes successful responses (architecture §5): applies a ScimResponse (status, headers, body), renders a
 * ListResult as a ListResponse (RFC 7644 §3.4.2), sets ETag from meta.version (RFC 7644 §3.14) and Location
 * on 201 from meta.location (RFC 7644 §3.3), and Content-Type application/scim+json on SCIM routes.
 * Wrappers are recognised by type (instanceof), never by guessing a shape.
 */
@Injectable()
export class ScimEnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(map((value: unknown) => envelope(value, request, reply)));
  }
}

export function envelope(value: unknown, request: FastifyRequest, reply: FastifyReply): unknown {
  let body = value;
  let scim = isScimRoute(request);
  if (value instanceof ScimResponse) {
    scim = true;
    reply.status(value.status);
    for (const [name, header] of Object.entries(value.headers)) reply.header(name, header);
    body = value.body;
  }
  if (body instanceof ListResult) {
    scim = true;
    // Already-serialised resources are sent as they are (Fastify sends a string with a JSON media type as is).
    body = body.toListResponseJson() ?? body.toListResponse();
  } else if (isRecord(body) && isRecord(body.meta)) {
    const { version, location } = body.meta;
    if (typeof version === 'string' && !reply.hasHeader('ETag')) reply.header('ETag', entityTag(version));
    if (reply.statusCode === 201 && typeof location === 'string' && !reply.hasHeader('Location')) {
      reply.header('Location', location);
    }
  }
  if (scim && body !== undefined) reply.header('Content-Type', SCIM_CONTENT_TYPE);
  return body;
}

/** meta.version is meant to be an entity tag already (W/"…", RFC 7644 §3.14); quote a bare one. */
export function entityTag(version: string): string {
  return /^(W\/)?"[^"]*"$/.test(version) ? version : `W/"${version.replace(/"/g, '')}"`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
