import { ExtensionConfig } from './extension-config';
import {
  createDefaultRegistry,
  createRegistry,
  DEFAULT_RESOURCE_TYPES,
  ENTERPRISE_USER_SCHEMA_DEFINITION,
  GROUP_SCHEMA_DEFINITION,
  USER_SCHEMA_DEFINITION,
} from './core-schemas';
import { findAttribute } from './schema.registry';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './schema-urns';

const acme: ExtensionConfig = {
  resourceType: 'User',
  required: false,
  schema: {
    id: 'urn:ietf:params:scim:schemas:extension:acme:2.0:User',
    name: 'AcmeUser',
    description: 'ACME',
    attributes: [
      {
        name: 'badgeNumber',
        type: 'integer',
        multiValued: false,
        description: '',
        required: false,
        caseExact: false,
        mutability: 'readWrite',
        returned: 'default',
        uniqueness: 'none',
      },
    ],
  },
};

const sub = (parent: string, name: string) =>
  findAttribute(findAttribute(USER_SCHEMA_DEFINITION.attributes, parent)!.subAttributes!, name)!;

describe('core schemas', () => {
  it('declares every RFC 7643 §4.1 User attribute', () => {
    expect(USER_SCHEMA_DEFINITION.attributes.map((a) => a.name)).toEqual([
      'userName',
      'name',
      'displayName',
      'nickName',
      'profileUrl',
      'title',
      'userType',
      'preferredLanguage',
      'locale',
      'timezone',
      'active',
      'password',
      'emails',
      'phoneNumbers',
      'ims',
      'photos',
      'addresses',
      'groups',
      'entitlements',
      'roles',
      'x509Certificates',
    ]);
  });

  it('makes userName required, server-unique and case-insensitive', () => {
    const sut = findAttribute(USER_SCHEMA_DEFINITION.attributes, 'userName')!;
    expect(sut).toMatchObject({
      required: true,
      uniqueness: 'server',
      caseExact: false,
      mutability: 'readWrite',
    });
  });

  it('makes password writeOnly and never returned', () => {
    const sut = findAttribute(USER_SCHEMA_DEFINITION.attributes, 'password')!;
    expect(sut).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
  });

  it('makes groups and all of its sub-attributes readOnly', () => {
    const sut = findAttribute(USER_SCHEMA_DEFINITION.attributes, 'groups')!;
    expect(sut.mutability).toBe('readOnly');
    expect(sut.subAttributes!.map((s) => [s.name, s.mutability])).toEqual([
      ['value', 'readOnly'],
      ['$ref', 'readOnly'],
      ['display', 'readOnly'],
      ['type', 'readOnly'],
    ]);
  });

  it('gives multi-valued attributes value/display/type/primary with the RFC canonical values', () => {
    expect(sub('phoneNumbers', 'type').canonicalValues).toEqual([
      'work',
      'home',
      'mobile',
      'fax',
      'pager',
      'other',
    ]);
    expect(sub('emails', 'primary').type).toBe('boolean');
    expect(sub('photos', 'value')).toMatchObject({ type: 'reference', referenceTypes: ['external'] });
    expect(sub('x509Certificates', 'value').type).toBe('binary');
  });

  it('declares the address components including primary', () => {
    expect(
      findAttribute(USER_SCHEMA_DEFINITION.attributes, 'addresses')!.subAttributes!.map((s) => s.name),
    ).toEqual([
      'formatted',
      'streetAddress',
      'locality',
      'region',
      'postalCode',
      'country',
      'type',
      'primary',
    ]);
  });

  it('declares the enterprise manager with a readOnly displayName', () => {
    const manager = findAttribute(ENTERPRISE_USER_SCHEMA_DEFINITION.attributes, 'manager')!;
    expect(manager.subAttributes!.map((s) => [s.name, s.mutability])).toEqual([
      ['value', 'readWrite'],
      ['$ref', 'readWrite'],
      ['displayName', 'readOnly'],
    ]);
  });

  it('makes the group displayName required and unique and member sub-attributes immutable', () => {
    const displayName = findAttribute(GROUP_SCHEMA_DEFINITION.attributes, 'displayName')!;
    const members = findAttribute(GROUP_SCHEMA_DEFINITION.attributes, 'members')!;
    expect(displayName).toMatchObject({ required: true, uniqueness: 'server' });
    expect(findAttribute(members.subAttributes!, 'value')!.mutability).toBe('immutable');
    expect(findAttribute(members.subAttributes!, 'type')!.canonicalValues).toEqual(['User', 'Group']);
  });

  it('attaches the enterprise extension to User as optional', () => {
    expect(DEFAULT_RESOURCE_TYPES[0]).toMatchObject({
      name: 'User',
      endpoint: '/Users',
      schema: USER_SCHEMA,
      schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
    });
    expect(DEFAULT_RESOURCE_TYPES[1]).toMatchObject({
      name: 'Group',
      endpoint: '/Groups',
      schema: GROUP_SCHEMA,
    });
  });
});

describe(createRegistry.name, () => {
  it('registers the three core schemas by default', () => {
    const sut = createDefaultRegistry();
    expect(sut.allSchemas().map((s) => s.id)).toEqual([USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA]);
  });

  it('adds a custom extension to its resource type', () => {
    const sut = createRegistry([acme]);
    expect(sut.extensionSchemas('User').map((s) => s.id)).toEqual([ENTERPRISE_USER_SCHEMA, acme.schema.id]);
    expect(sut.resolve('User', `${acme.schema.id}:badgeNumber`)?.storagePath).toEqual([
      'urn:ietf:params:scim:schemas:extension:acme:2_0:User',
      'badgeNumber',
    ]);
  });

  it('does not let one registry alter the shared definitions', () => {
    createRegistry([acme]).resourceType('User').schemaExtensions.push({ schema: 'x', required: true });
    expect(createDefaultRegistry().resourceType('User').schemaExtensions).toHaveLength(1);
  });

  it('refuses an extension of an unknown resource type', () => {
    expect(() => createRegistry([{ ...acme, resourceType: 'Device' }])).toThrow(
      /unknown resource type Device/,
    );
  });

  it('refuses an extension that clashes with an existing schema', () => {
    const clash = { ...acme, schema: { ...acme.schema, id: ENTERPRISE_USER_SCHEMA.toUpperCase() } };
    expect(() => createRegistry([clash])).toThrow(/declared twice/);
  });

  it('refuses an extension stored in the same field as another', () => {
    const clash = {
      ...acme,
      schema: { ...acme.schema, id: 'urn:ietf:params:scim:schemas:extension:enterprise:2_0:User' },
    };
    expect(() => createRegistry([clash])).toThrow(/same field/);
  });
});
