import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ScimError } from '../scim/errors';
import { SCIM_MEDIA_TYPE } from './media-types';

export interface JsonBodyOptions {
  /** Deepest nesting of arrays and objects accepted (MAX_BODY_DEPTH); deeper is 400 invalidSyntax. */
  maxDepth: number;
}

const bodyBytes = new WeakMap<object, number>();

/**
 * Bytes of the JSON request body as received (a chunked request has no Content-Length), or undefined when no
 * JSON body was read.
 */
export function receivedBodyBytes(request: FastifyRequest): number | undefined {
  return bodyBytes.get(request.raw);
}

/**
 * RFC 7644 §3.1: clients send application/scim+json (Entra adds `; charset=utf-8`); plain application/json is
 * accepted too. Both get one parser (Fastify's own JSON parser behind checks, so the same body limit and
 * prototype-poisoning protection), which refuses before anything parses or walks the body nesting deeper than
 * MAX_BODY_DEPTH (validation, PATCH, Bulk and class-transformer recurse): 400 invalidSyntax. text/plain is
 * removed so every other media type is refused with 415.
 */
export function registerJsonBodyParsers(fastify: FastifyInstance, options: JsonBodyOptions): void {
  fastify.removeContentTypeParser('text/plain');
  fastify.removeContentTypeParser('application/json');
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  for (const mediaType of ['application/json', SCIM_MEDIA_TYPE]) {
    fastify.addContentTypeParser(mediaType, { parseAs: 'buffer' }, (request, body, done) => {
      const bytes = body as Buffer;
      bodyBytes.set(request.raw, bytes.length);
      const text = bytes.toString('utf8');
      if (exceedsDepth(text, options.maxDepth)) {
        done(
          ScimError.invalidSyntax(`Request body is nested deeper than ${options.maxDepth} levels`),
          undefined,
        );
        return;
      }
      parseJson(request, text, done);
    });
  }
}

/**
 * Whether JSON text nests arrays and objects deeper than `max`, in one pass over the characters (brackets in
 * strings are text). Invalid JSON is left to the parser: this only bounds what a valid body can make us walk.
 */
export function exceedsDepth(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}
