import type { FastifyRequest } from 'fastify';

/** Label of requests that matched no route (metrics, logs): raw URLs would explode label cardinality. */
export const UNMATCHED_ROUTE = 'unmatched';
/** Every SCIM endpoint lives under this prefix (RFC 7644 §3.2 leaves the base URL to the provider). */
export const SCIM_ROUTE_PREFIX = '/scim/';

/** The route template that served a request (`/scim/v2/Users/:id`), never the raw URL. */
export function routeTemplate(request: FastifyRequest): string {
  if (request.is404) return UNMATCHED_ROUTE;
  return request.routeOptions?.url ?? UNMATCHED_ROUTE;
}

export function isScimRoute(request: FastifyRequest): boolean {
  return routeTemplate(request).startsWith(SCIM_ROUTE_PREFIX);
}
