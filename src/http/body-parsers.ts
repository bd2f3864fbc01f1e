import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ScimError } from '../scim/errors';
import { SCIM_MEDIA_TYPE } from './media-types';

export interface JsonBodyOptions {
  /** Deepest nesting of arrays and objects accepted (MAX_BODY_DEPTH); deeper is 400 invalidSyntax. */
  maxDepth: number;
}

/** Methods whose requests need no body (RFC 7644 §3.6 DELETE; GET, HEAD, OPTIONS). */
const BODILESS_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS']);

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
 * prototype-poisoning protection), which refuses before anything parses or walks the body:
 * - a charset other than UTF-8 (RFC 8259 §8.1: JSON exchanged between systems is UTF-8): 415;
 * - bytes that are not UTF-8 (they were decoded as U+FFFD and stored), or an unpaired surrogate escape: 400
 *   invalidSyntax;
 * - nesting deeper than MAX_BODY_DEPTH (validation, PATCH, Bulk and class-transformer recurse): 400 invalidSyntax.
 * An empty body is no body where none is required (a DELETE with `Content-Type` and `Content-Length: 0`, which
 * many clients send on every request). text/plain is removed so every other media type is refused with 415.
 */
export function registerJsonBodyParsers(fastify: FastifyInstance, options: JsonBodyOptions): void {
  fastify.removeContentTypeParser('text/plain');
  fastify.removeContentTypeParser('application/json');
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  for (const mediaType of ['application/json', SCIM_MEDIA_TYPE]) {
    fastify.addContentTypeParser(mediaType, { parseAs: 'buffer' }, (request, body, done) => {
      const bytes = body as Buffer;
      bodyBytes.set(request.raw, bytes.length);
      if (bytes.length === 0 && BODILESS_METHODS.has(request.method)) {
        done(null, undefined);
        return;
      }
      const charset = charsetOf(request.headers['content-type']);
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        done(unsupportedCharset(charset), undefined);
        return;
      }
      if (!isUtf8(bytes)) {
        done(ScimError.invalidSyntax('Request body is not valid UTF-8'), undefined);
        return;
      }
      const text = bytes.toString('utf8');
      const problem = scanJson(text, options.maxDepth);
      if (problem === 'depth') {
        done(
          ScimError.invalidSyntax(`Request body is nested deeper than ${options.maxDepth} levels`),
          undefined,
        );
        return;
      }
      if (problem === 'surrogate') {
        done(
          ScimError.invalidSyntax('Request body holds an unpaired surrogate escape (\\uD800-\\uDFFF)'),
          undefined,
        );
        return;
      }
      parseJson(request, text, done);
    });
  }
}

/**
 * What JSON text holds that must not be parsed, found in one pass over the characters (brackets in strings are
 * text; invalid JSON is left to the parser):
 * - `depth`: arrays and objects nested deeper than `maxDepth`;
 * - `surrogate`: a `\\uD800`-`\\uDFFF` escape that is not half of a pair. JSON allows it (RFC 8259 §8.2), but it is
 *   no character: it cannot be written as UTF-8 and broke what encodes it (encodeURIComponent threw, 500).
 */
export function scanJson(text: string, maxDepth: number): 'depth' | 'surrogate' | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x22) {
        inString = false;
      } else if (c === 0x5c) {
        // A backslash escapes the next character; \uXXXX may be half of a surrogate pair.
        if (text.charCodeAt(i + 1) === 0x75) {
          const unit = hexAt(text, i + 2);
          if (unit >= 0xd800 && unit <= 0xdbff) {
            const next =
              text.charCodeAt(i + 6) === 0x5c && text.charCodeAt(i + 7) === 0x75 ? hexAt(text, i + 8) : -1;
            if (next < 0xdc00 || next > 0xdfff) return 'surrogate';
            i += 11;
            continue;
          }
          if (unit >= 0xdc00 && unit <= 0xdfff) return 'surrogate';
        }
        i++;
      }
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return 'depth';
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return undefined;
}

/** The value of the 4 hex digits at `at`, or -1. */
function hexAt(text: string, at: number): number {
  const hex = text.slice(at, at + 4);
  return /^[0-9A-Fa-f]{4}$/.test(hex) ? parseInt(hex, 16) : -1;
}

/** The charset parameter of a Content-Type, lower-cased and unquoted (undefined when absent). */
function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*("?)([^";\s]*)\1/i.exec(contentType ?? '');
  return match ? match[2].toLowerCase() : undefined;
}

function unsupportedCharset(charset: string): ScimError {
  const shown = JSON.stringify(charset.length > 40 ? `${charset.slice(0, 40)}…` : charset);
  return new ScimError(415, undefined, `Unsupported charset ${shown}: send the body in UTF-8`);
}

export interface DrainOptions {
  /** Bytes read and discarded at most before the connection is closed anyway. */
  maxBytes: number;
  /** Milliseconds spent reading at most. */
  maxMs: number;
}

/**
 * A request refused before its body was read (413 above BODY_LIMIT, a parser error) is answered with
 * `Connection: close`. Closing a socket with unread request bytes makes the kernel send a reset, so a client
 * still sending (Node's fetch, which reads the answer only once the body is out) sees EPIPE/ECONNRESET instead
 * of the answer. Before such an answer is written, the rest of the body is read and discarded, up to a bound in
 * bytes and time; past it the connection is closed as before.
 */
export function registerBodyDraining(fastify: FastifyInstance, options: DrainOptions): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const raw = request.raw;
    const closing = String(reply.getHeader('connection') ?? '').toLowerCase() === 'close';
    if (!closing || raw.complete || raw.destroyed || raw.readableEnded) {
      done(null, payload);
      return;
    }
    let received = 0;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', finish);
      raw.off('error', finish);
      raw.off('close', finish);
      done(null, payload);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > options.maxBytes) finish();
    };
    const timer = setTimeout(finish, options.maxMs);
    raw.on('data', onData);
    raw.on('end', finish);
    raw.on('error', finish);
    raw.on('close', finish);
    raw.resume();
  });
}
