/**
 * RFC 9967 ("SCIM Profile for Security Event Tokens") event URIs, in the final lower-case form of the IANA
 * "SCIM Event URIs" registry (RFC 9967 §7.4; docs/standards-events.md §2). Pure constants.
 */
export const SCIM_EVENT_PREFIX = 'urn:ietf:params:scim:event:';

export const SCIM_EVENTS = {
  createFull: `${SCIM_EVENT_PREFIX}prov:create:full`,
  createNotice: `${SCIM_EVENT_PREFIX}prov:create:notice`,
  patchFull: `${SCIM_EVENT_PREFIX}prov:patch:full`,
  patchNotice: `${SCIM_EVENT_PREFIX}prov:patch:notice`,
  putFull: `${SCIM_EVENT_PREFIX}prov:put:full`,
  putNotice: `${SCIM_EVENT_PREFIX}prov:put:notice`,
  delete: `${SCIM_EVENT_PREFIX}prov:delete`,
  activate: `${SCIM_EVENT_PREFIX}prov:activate`,
  deactivate: `${SCIM_EVENT_PREFIX}prov:deactivate`,
} as const;

export type ScimEventUri = (typeof SCIM_EVENTS)[keyof typeof SCIM_EVENTS];

/** Every event URI this server publishes (ServiceProviderConfig `securityEvents.eventUris`, SSF). */
export const PUBLISHED_EVENT_URIS: readonly ScimEventUri[] = Object.values(SCIM_EVENTS);

/** `full`: the event carries `data`; `notice`: only the changed attribute names (RFC 9967 §2.4). */
export type SetFormat = 'full' | 'notice';
export const SET_FORMATS: readonly SetFormat[] = ['full', 'notice'];

/** The JOSE `typ` of a SET (RFC 8417 §2.3; mandatory under SSF 1.0) and the media type of RFC 8935 §2. */
export const SET_TYP = 'secevent+jwt';
export const SET_MEDIA_TYPE = 'application/secevent+jwt';

/** SSF delivery method URNs (RFC 8935 push, RFC 8936 poll). */
export const PUSH_METHOD_URN = 'urn:ietf:rfc:8935';
export const POLL_METHOD_URN = 'urn:ietf:rfc:8936';
