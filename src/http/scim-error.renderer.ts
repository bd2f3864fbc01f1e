import { HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ScimError } from '../scim/errors';
import { SCIM_CONTENT_TYPE } from './media-types';

export interface MappedError {
  error: ScimError;
  /** True for faults of ours: logged with their stack, answered with a correlation id only. */
  unexpected: boolean;
}

const MAX_ECHO = 120;

/**
 * Maps anything thrown while serving a request to the ScimError the client gets (RFC 7644 §3.12).
 * One function for the global filter and for Fastify-level errors, so every error has one shape.
 */
export function toScimError(exception: unknown, request: FastifyRequest, bodyLimit: number): MappedError {
  if (exception instanceof ScimError) return { error: exception, unexpected: false };

  const fastify = fastifyErrorOf(exception);
  switch (fastify?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return expected(ScimError.invalidSyntax('Request body is not valid JSON'));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return expected(ScimError.invalidSyntax('Request body is empty; a JSON object is required'));
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return expected(ScimError.invalidSyntax('Request body size does not match Content-Length'));
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      // RFC 7644 §3.7.3 answers an oversized payload with 413 and no scimType.
      return expected(new ScimError(413, undefined, `Request body exceeds the limit of ${bodyLimit} bytes`));
    // Raised by Fastify's router before any hook or handler runs (app.factory.ts frameworkErrors).
    case 'FST_ERR_BAD_URL':
      return expected(
        new ScimError(400, undefined, 'The request URL is malformed (invalid percent-encoding)'),
      );
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return expected(new ScimError(414, undefined, 'A path segment of the request URL is too long'));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return expected(
        new ScimError(
          415,
          undefined,
          `Unsupported Content-Type ${quote(request.headers['content-type'])}: send application/scim+json or application/json`,
        ),
      );
  }

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404 && request.is404) {
      return expected(ScimError.notFound(`No route for ${request.method} ${quote(pathOf(request.url))}`));
    }
    if (status >= 500) return { error: internalError(request), unexpected: true };
    return expected(new ScimError(status, undefined, detailOf(exception)));
  }
  if (fastify && fastify.statusCode !== undefined && fastify.statusCode < 500) {
    return expected(new ScimError(fastify.statusCode, undefined, fastify.message));
  }
  return { error: internalError(request), unexpected: true };
}

/** The SCIM error each reply carries, for the metrics hook (app.factory.ts), which src/http does not know. */
const sentErrors = new WeakMap<FastifyReply, ScimError>();

/** The ScimError that sendScimError wrote into this reply, if any. */
export function scimErrorOf(reply: FastifyReply): ScimError | undefined {
  return sentErrors.get(reply);
}

/** Writes a SCIM error response. */
export function sendScimError(reply: FastifyReply, error: ScimError): void {
  sentErrors.set(reply, error);
  reply.status(error.status);
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  reply.header('Content-Type', SCIM_CONTENT_TYPE);
  void reply.send(error.toBody());
}

export function internalError(request: FastifyRequest): ScimError {
  return new ScimError(500, undefined, `Internal server error; correlation id ${request.id}`);
}

function expected(error: ScimError): MappedError {
  return { error, unexpected: false };
}

export interface FastifyErrorLike {
  code: string;
  message: string;
  statusCode?: number;
}

/** Fastify errors arrive raw, or wrapped by Nest's FastifyAdapter.mapException() as an HttpException cause. */
export function fastifyErrorOf(exception: unknown): FastifyErrorLike | undefined {
  const candidates = [exception, exception instanceof Error ? exception.cause : undefined];
  for (const candidate of candidates) {
    if (!(candidate instanceof Error)) continue;
    const { code, statusCode } = candidate as Error & { code?: unknown; statusCode?: unknown };
    if (typeof code === 'string' && code.startsWith('FST_')) {
      return {
        code,
        message: candidate.message,
        statusCode: typeof statusCode === 'number' ? statusCode : undefined,
      };
    }
  }
  return undefined;
}

function detailOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** Echoes client input in a detail, quoted and truncated. */
function quote(value: string | string[] | undefined): string {
  if (value === undefined) return '(none)';
  const text = Array.isArray(value) ? value.join(', ') : value;
  return JSON.stringify(text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text);
}
