import type { FastifyInstance } from 'fastify';
import { SCIM_MEDIA_TYPE } from './media-types';

/**
 * RFC 7644 §3.1: clients send application/scim+json (Entra adds `; charset=utf-8`); plain application/json
 * is accepted too. Fastify parses application/json itself; scim+json gets the same parser (same body limit,
 * same prototype-poisoning protection). text/plain is removed so every other media type is refused with 415.
 */
export function registerJsonBodyParsers(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('text/plain');
  if (!fastify.hasContentTypeParser(SCIM_MEDIA_TYPE)) {
    fastify.addContentTypeParser(
      SCIM_MEDIA_TYPE,
      { parseAs: 'string' },
      fastify.getDefaultJsonParser('error', 'error'),
    );
  }
}
