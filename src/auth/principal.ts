/** Who is calling: the tenant a credential belongs to. Attached to the request by the auth guard. */
export interface Principal {
  tenantId: string;
  /** Id of the credential record (token id; later also an OAuth client id). */
  credentialId: string;
  /** Human label of the credential ("SCIM_TOKEN", "generated", …), for audit logs. */
  label: string;
  /**
   * OAuth scopes the access token grants (scim-access.ts), limited to those its client still has; undefined for
   * a static token, which has full access to its tenant.
   */
  scopes?: readonly string[];
  /**
   * ADMIN_TOKEN, admitted on the SSF stream management routes only (bearer-auth.guard.ts); `tenantId` is then
   * the tenant the request names (`?tenant=`), checked by the route, not by the credential.
   */
  admin?: true;
}
