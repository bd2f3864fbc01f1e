import { ScimError } from '../scim/errors';
import type { Principal } from './principal';
import { accessOf, assertAccess, ScimAccess } from './scim-access';

const principal = (scopes?: string[]): Principal => ({
  tenantId: 't',
  credentialId: 'c',
  label: 'l',
  scopes,
});

function refusal(scopes: string[] | undefined, access: ScimAccess): ScimError | undefined {
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
      detail: 'This request needs the scope "scim.write" (or "scim"); the credential grants "scim.read"',
    });
    expect(error?.headers['WWW-Authenticate']).toBe(
      'Bearer realm="scim", error="insufficient_scope", error_description="This request needs the scope \'scim.write\' (or \'scim\')", scope="scim.write scim"',
    );
  });

  it('gives stream management only to ssf.manage and the admin principal, never to SCIM credentials', () => {
    expect(refusal(['ssf.manage'], 'stream-management')).toBeUndefined();
    expect(refusal(['scim', 'ssf.manage'], 'stream-management')).toBeUndefined();
    const admin = { ...principal(undefined), admin: true as const };
    expect(() => assertAccess(admin, 'stream-management')).not.toThrow();
    for (const scopes of [undefined, ['scim'], ['scim.write'], []]) {
      const error = refusal(scopes, 'stream-management');
      expect(error?.status).toBe(403);
      expect(error?.headers['WWW-Authenticate']).toContain('error="insufficient_scope"');
      expect(error?.headers['WWW-Authenticate']).toContain('scope="ssf.manage"');
    }
    expect(refusal(undefined, 'stream-management')?.detail).toContain(
      'a SCIM provisioning token without scopes',
    );
  });

  it('keeps a stream-management credential out of the SCIM data', () => {
    expect(refusal(['ssf.manage'], 'read')?.status).toBe(403);
    expect(refusal(['ssf.manage'], 'write')?.status).toBe(403);
    expect(refusal(['ssf.manage'], 'any')).toBeUndefined();
  });
});
