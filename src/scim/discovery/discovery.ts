import {
  AttributeDefinition,
  ResourceTypeDefinition,
  SchemaDefinition,
} from '../schema/attribute-definition';
import { SchemaRegistry } from '../schema/schema.registry';
import { RESOURCE_TYPE_SCHEMA, SCHEMA_SCHEMA, SERVICE_PROVIDER_CONFIG_SCHEMA } from '../schema/schema-urns';

/**
 * Pure builders of the discovery resources (RFC 7644 §4): /ServiceProviderConfig (RFC 7643 §5),
 * /ResourceTypes (RFC 7643 §6) and /Schemas (RFC 7643 §7). They describe exactly what the registry and the
 * options say; the Nest side passes its real limits so the document never promises more than the server does.
 * No null values anywhere: Entra's schema discovery chokes on them (docs/entra.md §3 "/Schemas").
 */

/** RFC 7643 §5 authenticationSchemes element. */
export interface AuthenticationScheme {
  type: string;
  name: string;
  description: string;
  specUri?: string;
  documentationUri?: string;
  primary?: boolean;
}

export interface ServiceProviderConfigOptions {
  /** SCIM base URL (…/scim/v2): meta.location is `${baseUrl}/ServiceProviderConfig`. */
  baseUrl: string;
  documentationUri?: string;
  patch: boolean;
  bulk: { supported: boolean; maxOperations: number; maxPayloadSize: number };
  filter: { supported: boolean; maxResults: number };
  changePassword: boolean;
  sort: boolean;
  etag: boolean;
  /** RFC 9865 §4 pagination capabilities. */
  pagination: {
    cursor: boolean;
    index: boolean;
    defaultPaginationMethod?: 'index' | 'cursor';
    defaultPageSize: number;
    maxPageSize: number;
    /** Seconds a cursor stays valid. */
    cursorTimeout: number;
  };
  /** Defaults to one OAuth bearer token scheme (RFC 6750), which is what every client here uses. */
  authenticationSchemes?: AuthenticationScheme[];
  /**
   * RFC 9967 §4 `securityEvents`: the SCIM event URIs the server publishes (informational) and whether it
   * answers requests asynchronously; absent when the server publishes no events.
   */
  securityEvents?: { asyncRequest: 'none' | 'long' | 'request'; eventUris: readonly string[] };
}

export const OAUTH_BEARER_TOKEN_SCHEME: AuthenticationScheme = {
  type: 'oauthbearertoken',
  name: 'OAuth Bearer Token',
  description: 'Authentication with an OAuth 2.0 bearer token (RFC 6750) in the Authorization header.',
  specUri: 'https://www.rfc-editor.org/info/rfc6750',
  primary: true,
};

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** RFC 7643 §5 ServiceProviderConfig, with the RFC 9865 `pagination` block. */
export function serviceProviderConfig(options: ServiceProviderConfigOptions): Record<string, unknown> {
  const config: Record<string, unknown> = { schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA] };
  if (options.documentationUri) config.documentationUri = options.documentationUri;
  Object.assign(config, {
    patch: { supported: options.patch },
    bulk: {
      supported: options.bulk.supported,
      maxOperations: options.bulk.maxOperations,
      maxPayloadSize: options.bulk.maxPayloadSize,
    },
    filter: { supported: options.filter.supported, maxResults: options.filter.maxResults },
    changePassword: { supported: options.changePassword },
    sort: { supported: options.sort },
    etag: { supported: options.etag },
    pagination: {
      cursor: options.pagination.cursor,
      index: options.pagination.index,
      defaultPaginationMethod: options.pagination.defaultPaginationMethod ?? 'index',
      defaultPageSize: options.pagination.defaultPageSize,
      maxPageSize: options.pagination.maxPageSize,
      cursorTimeout: options.pagination.cursorTimeout,
    },
    authenticationSchemes: (options.authenticationSchemes ?? [OAUTH_BEARER_TOKEN_SCHEME]).map((s) => ({
      ...s,
    })),
    ...(options.securityEvents
      ? {
          securityEvents: {
            asyncRequest: options.securityEvents.asyncRequest,
            eventUris: [...options.securityEvents.eventUris],
          },
        }
      : {}),
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${trimSlash(options.baseUrl)}/ServiceProviderConfig`,
    },
  });
  return config;
}

/** RFC 7643 §6 representation of one resource type. */
export function resourceTypeResource(type: ResourceTypeDefinition, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: type.id,
    name: type.name,
    endpoint: type.endpoint,
    description: type.description,
    schema: type.schema,
    schemaExtensions: type.schemaExtensions.map((e) => ({ schema: e.schema, required: e.required })),
    meta: { resourceType: 'ResourceType', location: `${trimSlash(baseUrl)}/ResourceTypes/${type.id}` },
  };
}

/** Every resource type of the registry, for GET /ResourceTypes. */
export function resourceTypeResources(registry: SchemaRegistry, baseUrl: string): Record<string, unknown>[] {
  return registry.allResourceTypes().map((t) => resourceTypeResource(t, baseUrl));
}

/** RFC 7643 §7 attribute representation; optional characteristics only when they have a value. */
function attributeResource(attribute: AttributeDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: attribute.name,
    type: attribute.type,
    multiValued: attribute.multiValued,
    description: attribute.description,
    required: attribute.required,
  };
  if (attribute.canonicalValues) out.canonicalValues = [...attribute.canonicalValues];
  out.caseExact = attribute.caseExact;
  out.mutability = attribute.mutability;
  out.returned = attribute.returned;
  out.uniqueness = attribute.uniqueness;
  if (attribute.referenceTypes) out.referenceTypes = [...attribute.referenceTypes];
  if (attribute.subAttributes) out.subAttributes = attribute.subAttributes.map(attributeResource);
  return out;
}

/** RFC 7643 §7 representation of one schema. */
export function schemaResource(schema: SchemaDefinition, baseUrl: string): Record<string, unknown> {
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeResource),
    meta: { resourceType: 'Schema', location: `${trimSlash(baseUrl)}/Schemas/${schema.id}` },
  };
}

/** Every schema of the registry (core schemas and extensions), for GET /Schemas. */
export function schemaResources(registry: SchemaRegistry, baseUrl: string): Record<string, unknown>[] {
  return registry.allSchemas().map((s) => schemaResource(s, baseUrl));
}
