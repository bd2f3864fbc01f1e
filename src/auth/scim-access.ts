import { SetMetadata } from '@nestjs/common';
import { ScimError } from '../scim/errors';
import type { Principal } from './principal';

/** The OAuth scopes a client may be given (oauth-clients.json `scopes`, RFC 6749 §3.3). */
export const SCIM_SCOPE = 'scim';
export const SCIM_READ_SCOPE = 'scim.read';
export const SCIM_WRITE_SCOPE = 'scim.write';
export const KNOWN_SCOPES: readonly string[] = [SCIM_SCOPE, SCIM_READ_SCOPE, SCIM_WRITE_SCOPE];

/**
 * What a SCIM route does with the tenant's data: `read` (GET, POST .search), `write` (POST, PUT, PATCH, DELETE,
 * Bulk) or `any` (discovery: /ServiceProviderConfig, /Schemas, /ResourceTypes, which hold no tenant data).
 */
export type ScimAccess = 'read' | 'write' | 'any';

export const SCIM_ACCESS_KEY = 'scim-stream:access';

/** Declares the access of a route where its HTTP method does not say it (GET → read, other methods → write). */
export const RequiresAccess = (access: ScimAccess): MethodDecorator & ClassDecorator =>
  SetMetadata(SCIM_ACCESS_KEY, access);

/** The access a route needs: the declared one, else read for GET/HEAD and write for every other method. */
export function accessOf(declared: ScimAccess | undefined, method: string): ScimAccess {
  if (declared !== undefined) return declared;
  return method === 'GET' || method === 'HEAD' ? 'read' : 'write';
}

/**
 * 403 unless the principal may do `access`. Static tokens (no scopes) have full access; an OAuth access token
 * needs `scim`, or `scim.read` to read and `scim.write` to write. RFC 6750 §3.1: `insufficient_scope` in the
 * Bearer challenge, naming the scope that would do; the body is a SCIM error (RFC 7644 §3.12).
 */
export function assertAccess(principal: Principal, access: ScimAccess): void {
  if (access === 'any' || principal.scopes === undefined) return;
  const needed = access === 'read' ? SCIM_READ_SCOPE : SCIM_WRITE_SCOPE;
  if (principal.scopes.includes(SCIM_SCOPE) || principal.scopes.includes(needed)) return;
  const description = `This request needs the scope "${needed}" (or "${SCIM_SCOPE}")`;
  throw new ScimError(
    403,
    undefined,
    `${description}; the access token grants ${principal.scopes.length === 0 ? 'none' : `"${principal.scopes.join(' ')}"`}`,
    {
      'WWW-Authenticate': `Bearer realm="scim", error="insufficient_scope", error_description="${description.replace(/"/g, "'")}", scope="${needed} ${SCIM_SCOPE}"`,
    },
  );
}
