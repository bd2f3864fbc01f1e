/** Who is calling: the tenant a credential belongs to. Attached to the request by the auth guard. */
export interface Principal {
  tenantId: string;
  /** Id of the credential record (token id; later also an OAuth client id). */
  credentialId: string;
  /** Human label of the credential ("SCIM_TOKEN", "generated", …), for audit logs. */
  label: string;
}
