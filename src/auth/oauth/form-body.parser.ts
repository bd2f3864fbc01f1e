import { errorCodes } from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OAUTH_TOKEN_PATH, OAuthError } from './oauth-error';

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/** A token request is a handful of short parameters; a WIF client assertion (RFC 7523) is a few KiB. */
export const FORM_BODY_LIMIT = 64 * 1024;

/**
 * Parses an application/x-www-form-urlencoded body (RFC 6749 §4.4.2, Appendix B) into a plain object of
 * strings. RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once" — a repeated
 * parameter is invalid_request rather than silently first- or last-wins.
 */
export function parseFormBody(body: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    if (Object.prototype.hasOwnProperty.call(params, name)) {
      throw OAuthError.invalidRequest(
        `Parameter ${JSON.stringify(name)} is included more than once (RFC 6749 §3.2)`,
      );
    }
    // defineProperty: a parameter named __proto__ must stay an ordinary field.
    Object.defineProperty(params, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return params;
}

/**
 * Registers the form parser for the token endpoint only: SCIM routes keep refusing every body that is not
 * JSON with 415 (RFC 7644 §3.1), as registerJsonBodyParsers() set up.
 */
export function registerFormBodyParser(fastify: FastifyInstance): void {
  if (fastify.hasContentTypeParser(FORM_MEDIA_TYPE)) return;
  fastify.addContentTypeParser(
    FORM_MEDIA_TYPE,
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (request: FastifyRequest, body: string | Buffer, done: (error: Error | null, body?: unknown) => void) => {
      if (request.routeOptions?.url !== OAUTH_TOKEN_PATH) {
        done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(String(request.headers['content-type'])));
        return;
      }
      try {
        done(null, parseFormBody(body.toString()));
      } catch (error) {
        done(error as Error);
      }
    },
  );
}
