import { createDefaultRegistry, createRegistry } from '../schema/core-schemas';
import { parseExtensionConfig } from '../schema/extension-config';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  RESOURCE_TYPE_SCHEMA,
  SCHEMA_SCHEMA,
  SERVICE_PROVIDER_CONFIG_SCHEMA,
  USER_SCHEMA,
} from '../schema/schema-urns';
import {
  OAUTH_BEARER_TOKEN_SCHEME,
  resourceTypeResources,
  schemaResources,
  serviceProviderConfig,
  ServiceProviderConfigOptions,
} from './discovery';

const BASE = 'https://scim.example.com/scim/v2';
const options: ServiceProviderConfigOptions = {
  baseUrl: `${BASE}/`,
  patch: true,
  bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
  filter: { supported: true, maxResults: 200 },
  changePassword: false,
  sort: true,
  etag: true,
  pagination: { cursor: true, index: true, defaultPageSize: 100, maxPageSize: 200, cursorTimeout: 600 },
};

describe(serviceProviderConfig.name, () => {
  it('describes the capabilities passed in', () => {
    expect(serviceProviderConfig(options)).toEqual({
      schemas: [SERVICE_PROVIDER_CONFIG_SCHEMA],
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      pagination: {
        cursor: true,
        index: true,
        defaultPaginationMethod: 'index',
        defaultPageSize: 100,
        maxPageSize: 200,
        cursorTimeout: 600,
      },
      authenticationSchemes: [OAUTH_BEARER_TOKEN_SCHEME],
      meta: { resourceType: 'ServiceProviderConfig', location: `${BASE}/ServiceProviderConfig` },
    });
  });

  it('uses the given default pagination method and documentation URI', () => {
    const sut = serviceProviderConfig({
      ...options,
      documentationUri: 'https://docs.example.com',
      pagination: { ...options.pagination, defaultPaginationMethod: 'cursor' },
    });
    expect(sut.documentationUri).toBe('https://docs.example.com');
    expect((sut.pagination as { defaultPaginationMethod: string }).defaultPaginationMethod).toBe('cursor');
  });

  it('uses the given authentication schemes', () => {
    const scheme = { type: 'httpbasic', name: 'Basic', description: 'HTTP Basic' };
    expect(
      serviceProviderConfig({ ...options, authenticationSchemes: [scheme] }).authenticationSchemes,
    ).toEqual([scheme]);
  });

  it('advertises RFC 9967 §4 securityEvents only when given', () => {
    expect(serviceProviderConfig(options)).not.toHaveProperty('securityEvents');
    const eventUris = ['urn:ietf:params:scim:event:prov:create:full'];
    expect(
      serviceProviderConfig({ ...options, securityEvents: { asyncRequest: 'none', eventUris } })
        .securityEvents,
    ).toEqual({ asyncRequest: 'none', eventUris });
  });
});

describe(resourceTypeResources.name, () => {
  it('describes User and Group (RFC 7643 §6)', () => {
    expect(resourceTypeResources(createDefaultRegistry(), BASE)).toEqual([
      {
        schemas: [RESOURCE_TYPE_SCHEMA],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        description: 'User Account',
        schema: USER_SCHEMA,
        schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
        meta: { resourceType: 'ResourceType', location: `${BASE}/ResourceTypes/User` },
      },
      {
        schemas: [RESOURCE_TYPE_SCHEMA],
        id: 'Group',
        name: 'Group',
        endpoint: '/Groups',
        description: 'Group',
        schema: GROUP_SCHEMA,
        schemaExtensions: [],
        meta: { resourceType: 'ResourceType', location: `${BASE}/ResourceTypes/Group` },
      },
    ]);
  });

  it('lists custom extensions on their resource type', () => {
    const registry = createRegistry(
      parseExtensionConfig([
        { schema: 'urn:x:ext:1.0:Group', resourceType: 'Group', attributes: [{ name: 'a' }] },
      ]),
    );
    expect(resourceTypeResources(registry, BASE)[1].schemaExtensions).toEqual([
      { schema: 'urn:x:ext:1.0:Group', required: false },
    ]);
  });
});

describe(schemaResources.name, () => {
  const sut = schemaResources(createDefaultRegistry(), BASE);
  const byId = (id: string) =>
    sut.find((s) => s.id === id) as { attributes: Record<string, unknown>[] } & Record<string, unknown>;

  it('returns every schema with schema metadata', () => {
    expect(sut.map((s) => [s.id, s.schemas, s.meta])).toEqual(
      [USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA].map((id) => [
        id,
        [SCHEMA_SCHEMA],
        { resourceType: 'Schema', location: `${BASE}/Schemas/${id}` },
      ]),
    );
  });

  it('represents an attribute with all its characteristics (RFC 7643 §7)', () => {
    expect(byId(USER_SCHEMA).attributes[0]).toEqual({
      name: 'userName',
      type: 'string',
      multiValued: false,
      description: 'Unique identifier for the User, typically used by the user to directly authenticate.',
      required: true,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'server',
    });
  });

  it('includes sub-attributes, canonical values and reference types', () => {
    const members = byId(GROUP_SCHEMA).attributes.find((a) => a.name === 'members') as {
      subAttributes: Record<string, unknown>[];
    };
    expect(members.subAttributes.map((s) => s.name)).toEqual(['value', '$ref', 'display', 'type']);
    expect(members.subAttributes[1].referenceTypes).toEqual(['User', 'Group']);
    expect(members.subAttributes[3].canonicalValues).toEqual(['User', 'Group']);
  });

  it('never emits null values', () => {
    expect(JSON.stringify(sut)).not.toMatch(/null/);
  });
});
