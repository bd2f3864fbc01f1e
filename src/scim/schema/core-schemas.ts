import {
  AttributeDefinition,
  AttributeType,
  ResourceTypeDefinition,
  SchemaDefinition,
} from './attribute-definition';
import { ExtensionConfig } from './extension-config';
import { extensionStorageKey, SchemaRegistry } from './schema.registry';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './schema-urns';

/**
 * The core schemas of RFC 7643 §4 with the characteristics of their §8.7.1 representation.
 * Deviations from §8.7.1, each deliberate:
 * - addresses.primary: §4.1.2 defines it, §8.7.1 forgot it (known erratum); declared here.
 * - Group.displayName: required and uniqueness "server" — §4.2 calls it REQUIRED and Entra needs it unique
 *   (docs/entra.md §3 "/Groups").
 * - Group.members.display: not in §8.7.1 but used by §4.2 examples; readOnly (computed from the member).
 */

/** An attribute with the RFC 7643 §2.2 defaults for everything not given. */
function attr(
  name: string,
  type: AttributeType,
  description: string,
  overrides: Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>> = {},
): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...overrides,
  };
}

const str = (name: string, description: string, overrides: Parameters<typeof attr>[3] = {}) =>
  attr(name, 'string', description, overrides);

/**
 * The value/display/type/primary quartet shared by the plural attributes of RFC 7643 §2.4 / §4.1.2.
 * `value` is passed in because its type differs (string, reference, binary).
 */
function multiValued(
  name: string,
  description: string,
  value: AttributeDefinition,
  typeCanonicalValues: string[] | undefined,
  overrides: Parameters<typeof attr>[3] = {},
): AttributeDefinition {
  const type = str('type', `A label indicating the attribute's function.`);
  if (typeCanonicalValues) type.canonicalValues = typeCanonicalValues;
  return attr(name, 'complex', description, {
    multiValued: true,
    subAttributes: [
      value,
      str('display', 'A human-readable name, primarily used for display purposes.'),
      type,
      attr('primary', 'boolean', `A Boolean value indicating the 'primary' or preferred attribute value.`),
    ],
    ...overrides,
  });
}

export const USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    str('userName', 'Unique identifier for the User, typically used by the user to directly authenticate.', {
      required: true,
      uniqueness: 'server',
    }),
    attr('name', 'complex', `The components of the user's real name.`, {
      subAttributes: [
        str(
          'formatted',
          'The full name, including all middle names, titles, and suffixes, formatted for display.',
        ),
        str('familyName', 'The family name of the User, or last name.'),
        str('givenName', 'The given name of the User, or first name.'),
        str('middleName', 'The middle name(s) of the User.'),
        str('honorificPrefix', 'The honorific prefix(es) of the User, or title.'),
        str('honorificSuffix', 'The honorific suffix(es) of the User, or suffix.'),
      ],
    }),
    str('displayName', 'The name of the User, suitable for display to end-users.'),
    str('nickName', 'The casual way to address the user in real life.'),
    attr(
      'profileUrl',
      'reference',
      `A fully qualified URL pointing to a page representing the User's online profile.`,
      {
        referenceTypes: ['external'],
      },
    ),
    str('title', `The user's title, such as "Vice President".`),
    str('userType', 'Used to identify the relationship between the organization and the user.'),
    str(
      'preferredLanguage',
      `Indicates the User's preferred written or spoken language (RFC 7231 Accept-Language).`,
    ),
    str('locale', `Used to indicate the User's default location for localizing items.`),
    str('timezone', `The User's time zone in the 'Olson' time zone database format.`),
    attr('active', 'boolean', `A Boolean value indicating the User's administrative status.`),
    str('password', `The User's cleartext password, used to set or compare it; never returned.`, {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValued(
      'emails',
      'Email addresses for the user.',
      str('value', 'Email addresses for the user, canonicalized per RFC 5321.'),
      ['work', 'home', 'other'],
    ),
    multiValued(
      'phoneNumbers',
      'Phone numbers for the User.',
      str('value', 'Phone number of the User (RFC 3966 format preferred).'),
      ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
    ),
    multiValued(
      'ims',
      'Instant messaging addresses for the User.',
      str('value', 'Instant messaging address for the User.'),
      ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
    ),
    multiValued(
      'photos',
      'URLs of photos of the User.',
      attr('value', 'reference', 'URL of a photo of the User.', { referenceTypes: ['external'] }),
      ['photo', 'thumbnail'],
    ),
    attr('addresses', 'complex', 'A physical mailing address for this User.', {
      multiValued: true,
      subAttributes: [
        str('formatted', 'The full mailing address, formatted for display or use with a mailing label.'),
        str('streetAddress', 'The full street address component.'),
        str('locality', 'The city or locality component.'),
        str('region', 'The state or region component.'),
        str('postalCode', 'The zip code or postal code component.'),
        str('country', 'The country name component (ISO 3166-1 alpha-2).'),
        str('type', `A label indicating the attribute's function.`, {
          canonicalValues: ['work', 'home', 'other'],
        }),
        attr('primary', 'boolean', `A Boolean value indicating the 'primary' or preferred address.`),
      ],
    }),
    attr(
      'groups',
      'complex',
      'A list of groups to which the user belongs, computed by the service provider.',
      {
        multiValued: true,
        mutability: 'readOnly',
        subAttributes: [
          str('value', `The identifier of the User's group.`, { mutability: 'readOnly' }),
          attr('$ref', 'reference', `The URI of the corresponding 'Group' resource.`, {
            referenceTypes: ['User', 'Group'],
            mutability: 'readOnly',
          }),
          str('display', `A human-readable name, primarily used for display purposes.`, {
            mutability: 'readOnly',
          }),
          str('type', `A label indicating the attribute's function, e.g., 'direct' or 'indirect'.`, {
            canonicalValues: ['direct', 'indirect'],
            mutability: 'readOnly',
          }),
        ],
      },
    ),
    multiValued(
      'entitlements',
      'A list of entitlements for the User.',
      str('value', 'The value of an entitlement.'),
      undefined,
    ),
    multiValued('roles', 'A list of roles for the User.', str('value', 'The value of a role.'), undefined),
    multiValued(
      'x509Certificates',
      'A list of certificates issued to the User.',
      attr('value', 'binary', 'The value of an X.509 certificate (base64 DER).'),
      undefined,
    ),
  ],
};

export const ENTERPRISE_USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person by the organization.'),
    str('costCenter', 'Identifies the name of a cost center.'),
    str('organization', 'Identifies the name of an organization.'),
    str('division', 'Identifies the name of a division.'),
    str('department', 'Identifies the name of a department.'),
    attr('manager', 'complex', `The User's manager.`, {
      subAttributes: [
        str('value', 'The id of the SCIM resource representing the User’s manager.'),
        attr('$ref', 'reference', 'The URI of the SCIM resource representing the User’s manager.', {
          referenceTypes: ['User'],
        }),
        str('displayName', 'The displayName of the User’s manager.', { mutability: 'readOnly' }),
      ],
    }),
  ],
};

export const GROUP_SCHEMA_DEFINITION: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    str('displayName', 'A human-readable name for the Group.', { required: true, uniqueness: 'server' }),
    attr('members', 'complex', 'A list of members of the Group.', {
      multiValued: true,
      subAttributes: [
        str('value', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
        attr(
          '$ref',
          'reference',
          'The URI corresponding to a SCIM resource that is a member of this Group.',
          {
            referenceTypes: ['User', 'Group'],
            mutability: 'immutable',
          },
        ),
        str('display', 'A human-readable name of the member.', { mutability: 'readOnly' }),
        str('type', 'A label indicating the type of resource, e.g., "User" or "Group".', {
          canonicalValues: ['User', 'Group'],
          mutability: 'immutable',
        }),
      ],
    }),
  ],
};

export const DEFAULT_RESOURCE_TYPES: ResourceTypeDefinition[] = [
  {
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: USER_SCHEMA,
    schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
  },
  {
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'Group',
    schema: GROUP_SCHEMA,
    schemaExtensions: [],
  },
];

export const CORE_SCHEMA_DEFINITIONS: readonly SchemaDefinition[] = [
  USER_SCHEMA_DEFINITION,
  GROUP_SCHEMA_DEFINITION,
  ENTERPRISE_USER_SCHEMA_DEFINITION,
];

/**
 * Builds a registry from the core schemas plus custom extensions (RFC 7643 §3.3). Definitions are deep-copied
 * so that no registry can alter the module-level constants. Throws a plain Error on a configuration mistake
 * (unknown resource type, URN clash): that is a boot-time failure, never user input.
 */
export function createRegistry(extensions: ExtensionConfig[] = []): SchemaRegistry {
  const schemas = CORE_SCHEMA_DEFINITIONS.map((s) => structuredClone(s));
  const resourceTypes = DEFAULT_RESOURCE_TYPES.map((t) => structuredClone(t));
  for (const ext of extensions) {
    const urn = ext.schema.id;
    if (schemas.some((s) => s.id.toLowerCase() === urn.toLowerCase())) {
      throw new Error(`Schema extension ${urn} is declared twice or clashes with a core schema`);
    }
    // Extension data is stored under extensionStorageKey(urn); two URNs mapping to one field would share data.
    if (schemas.some((s) => extensionStorageKey(s.id) === extensionStorageKey(urn))) {
      throw new Error(`Schema extension ${urn} would be stored in the same field as another schema`);
    }
    const type = resourceTypes.find((t) => t.name.toLowerCase() === ext.resourceType.toLowerCase());
    if (!type) throw new Error(`Schema extension ${urn} extends unknown resource type ${ext.resourceType}`);
    schemas.push(structuredClone(ext.schema));
    type.schemaExtensions.push({ schema: urn, required: ext.required });
  }
  return new SchemaRegistry(schemas, resourceTypes);
}

/** The registry of RFC 7643 alone: User (+ EnterpriseUser) and Group. */
export function createDefaultRegistry(): SchemaRegistry {
  return createRegistry();
}
