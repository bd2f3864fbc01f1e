import { ScimError } from '../scim/errors';
import type { Principal } from './principal';
import { accessOf, assertAccess } from './scim-access';

const principal = (scopes?: string[]): Principal => ({
  tenantId: 't',
  credentialId: 'c',
  label: 'l',
  scopes,
});

function refusal(scopes: string[] | undefined, access: 'read' | 'write' | 'any'): ScimError | undefined {
  try {
    assertAccess(principal(scopes), access);
    return undefined;
  } catch (error) {
    return error as ScimError;
  }
}

describe(accessOf.name, () => {
  it('derives read from GET/HEAD and write from every other method unless the route declares its access', () => {
    expect(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => accessOf(undefined, m))).toEqual([
      'read',
      'read',
      'write',
      'write',
      'write',
      'write',
    ]);
    expect(accessOf('read', 'POST')).toBe('read');
    expect(accessOf('any', 'GET')).toBe('any');
  });
});

describe(assertAccess.name, () => {
  it('gives static tokens (no scopes) and the scim scope full access', () => {
    for (const access of ['read', 'write', 'any'] as const) {
      expect(refusal(undefined, access)).toBeUndefined();
      expect(refusal(['scim'], access)).toBeUndefined();
    }
  });

  it('lets scim.read read and scim.write write, and nothing else', () => {
    expect(refusal(['scim.read'], 'read')).toBeUndefined();
    expect(refusal(['scim.write'], 'write')).toBeUndefined();
    expect(refusal(['scim.read'], 'write')?.status).toBe(403);
    expect(refusal(['scim.write'], 'read')?.status).toBe(403);
    expect(refusal([], 'read')?.status).toBe(403);
    expect(refusal([], 'any')).toBeUndefined();
  });

  it('answers 403 with the RFC 6750 insufficient_scope challenge naming the scopes that would do', () => {
    const error = refusal(['scim.read'], 'write');

    expect(error).toBeInstanceOf(ScimError);
    expect(error?.toBody()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '403',
      detail: 'This request needs the scope "scim.write" (or "scim"); the access token grants "scim.read"',
    });
    expect(error?.headers['WWW-Authenticate']).toBe(
      'Bearer realm="scim", error="insufficient_scope", error_description="This request needs the scope \'scim.write\' (or \'scim\')", scope="scim.write scim"',
    );
  });
});
