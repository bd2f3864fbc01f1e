/**
 * Schemas are data (RFC 7643 §2 and §7). One registry built from these definitions drives validation,
 * mutability, projection, filter compilation, uniqueness and the /Schemas output.
 */
export type AttributeType =
  'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'binary' | 'reference' | 'complex';

/** RFC 7643 §7 "mutability". */
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
/** RFC 7643 §7 "returned". */
export type Returned = 'always' | 'never' | 'default' | 'request';
/** RFC 7643 §7 "uniqueness". */
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
}

export interface SchemaDefinition {
  /** The schema URN, e.g. urn:ietf:params:scim:schemas:core:2.0:User */
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

export interface SchemaExtensionRef {
  schema: string;
  required: boolean;
}

/** RFC 7643 §6 */
export interface ResourceTypeDefinition {
  id: string;
  name: string;
  endpoint: string;
  description: string;
  schema: string;
  schemaExtensions: SchemaExtensionRef[];
}
