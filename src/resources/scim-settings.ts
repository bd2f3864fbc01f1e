/**
 * Protocol limits and behaviour switches, in one place so that ServiceProviderConfig tells the truth
 * (RFC 7644 §4) and the code enforces exactly what it advertises.
 */
export abstract class ScimSettings {
  /** Page size when the client sends no `count` (RFC 9865 defaultPageSize). */
  abstract readonly defaultPageSize: number;
  /** Largest page (RFC 7643 §5 filter.maxResults, RFC 9865 maxPageSize). */
  abstract readonly maxPageSize: number;
  /** Seconds a cursor stays valid (RFC 9865 cursorTimeout). */
  abstract readonly cursorTimeoutSeconds: number;
  abstract readonly bulkMaxOperations: number;
  abstract readonly bulkMaxPayloadSize: number;
  abstract readonly patchMaxOperations: number;
  abstract readonly filterMaxLength: number;
  abstract readonly filterMaxDepth: number;
  /** Undeclared extension attributes: refused (400 invalidPath) when true, stored as strings when false. */
  abstract readonly strictExtensions: boolean;
  /** Values in one PATCH operation (an array value, or the keys of a path-less value); more is 400 tooMany. */
  abstract readonly patchMaxValuesPerOperation: number;
  /** Longest string value of any attribute, in characters; longer is 400 invalidValue. */
  abstract readonly attributeMaxLength: number;
}
