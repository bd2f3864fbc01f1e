import { SetMetadata } from '@nestjs/common';
import { ScimError } from '../scim/errors';
import type { Principal } from './principal';

/** The OAuth scopes a client may be given (oauth-clients.json `scopes`, RFC 6749 §3.3). */
export const SCIM_SCOPE = 'scim';
export const SCIM_READ_SCOPE = 'scim.read';
export const SCIM_WRITE_SCOPE = 'scim.write';
/**
 * OpenID SSF 1.0 stream management (/ssf/streams, /ssf/status, /ssf/verify, /ssf/subjects:*): never implied by
 * the SCIM scopes, so that a provisioning credential cannot redirect a tenant's change stream elsewhere.
 */
export const SSF_MANAGE_SCOPE = 'ssf.manage';
export const KNOWN_SCOPES: readonly string[] = [
  SCIM_SCOPE,
  SCIM_READ_SCOPE,
  SCIM_WRITE_SCOPE,
  SSF_MANAGE_SCOPE,
];

/**
 * What a SCIM route does with the tenant's data: `read` (GET, POST .search), `write` (POST, PUT, PATCH, DELETE,
 * Bulk) or `any` (discovery: /ServiceProviderConfig, /Schemas, /ResourceTypes, which hold no tenant data).
 * `stream-management`: the SSF stream management API, which needs `ssf.manage` (or ADMIN_TOKEN, admitted by
 * the guard before this check).
 */
export type ScimAccess = 'read' | 'write' | 'any' | 'stream-management';

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
 * 403 unless the principal may do `access`. Static tokens without scopes have full SCIM access (and no stream
 * management); a token or OAuth access token with scopes needs `scim`, or `scim.read` to read and `scim.write`
 * to write, and `ssf.manage` for stream management. The admin principal (ADMIN_TOKEN on a stream management
 * route) passes. RFC 6750 §3.1: `insufficient_scope` in the Bearer challenge, naming the scope that would do;
 * the body is a SCIM error (RFC 7644 §3.12).
 */
export function assertAccess(principal: Principal, access: ScimAccess): void {
  if (access === 'any' || principal.admin) return;
  const granted = principal.scopes;
  if (access === 'stream-management') {
    if (granted?.includes(SSF_MANAGE_SCOPE)) return;
    throw insufficientScope(
      `Stream management needs ADMIN_TOKEN or a credential with the scope "${SSF_MANAGE_SCOPE}"`,
      [SSF_MANAGE_SCOPE],
      granted,
    );
  }
  if (granted === undefined) return;
  const needed = access === 'read' ? SCIM_READ_SCOPE : SCIM_WRITE_SCOPE;
  if (granted.includes(SCIM_SCOPE) || granted.includes(needed)) return;
  throw insufficientScope(
    `This request needs the scope "${needed}" (or "${SCIM_SCOPE}")`,
    [needed, SCIM_SCOPE],
    granted,
  );
}

function insufficientScope(
  description: string,
  scopes: readonly string[],
  granted: readonly string[] | undefined,
): ScimError {
  const grants =
    granted === undefined
      ? 'this credential is a SCIM provisioning token without scopes'
      : `the credential grants ${granted.length === 0 ? 'none' : `"${granted.join(' ')}"`}`;
  return new ScimError(403, undefined, `${description}; ${grants}`, {
    'WWW-Authenticate': `Bearer realm="scim", error="insufficient_scope", error_description="${description.replace(/"/g, "'")}", scope="${scopes.join(' ')}"`,
  });
}
