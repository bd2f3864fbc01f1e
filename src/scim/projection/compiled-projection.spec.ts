import fc from 'fast-check';
import { createDefaultRegistry, createRegistry } from '../schema/core-schemas';
import { parseExtensionConfig } from '../schema/extension-config';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../schema/schema-urns';
import { extensionStorageKey, SchemaRegistry } from '../schema/schema.registry';
import { compileProjection } from './compiled-projection';
import { compiledProjection, MAX_CACHED_SELECTIONS } from './projection-cache';
import { parseAttributeList, toScimResource } from './projection';
import { interpretScimResource } from './projection-test.reference';
import { GroupRef, MemberRef, ProjectionContext } from './projection.types';

/**
 * The compiled projection is an optimisation only: for every document and every selection its output must be
 * the interpreter's byte for byte (same keys, same key order, same values), so that no client sees a change.
 */

const BASE = 'https://scim.example.com/scim/v2';
const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
const ACME_GROUP = 'urn:ietf:params:scim:schemas:extension:acme:2.0:Group';
/** Undeclared (Entra "dynamic") extensions, see undeclared-extension.ts. */
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:Custom:2.0:User';
const OTHER = 'urn:ietf:params:scim:schemas:extension:other:1.5:User';

/** An extension with every "returned" characteristic, complex and multi-valued attributes and `$ref`s. */
const acmeRegistry = createRegistry(
  parseExtensionConfig([
    {
      schema: ACME,
      attributes: [
        { name: 'secretNote', returned: 'request' },
        { name: 'tag', returned: 'always' },
        { name: 'pin', returned: 'never' },
        { name: 'badges', multiValued: true },
        {
          name: 'sponsor',
          type: 'complex',
          subAttributes: [
            { name: 'value' },
            { name: '$ref', type: 'reference', referenceTypes: ['User', 'Group'] },
            { name: 'type' },
            { name: 'note', returned: 'request' },
            { name: 'code', returned: 'never' },
            { name: 'label', returned: 'always' },
          ],
        },
        {
          name: 'devices',
          type: 'complex',
          multiValued: true,
          returned: 'request',
          subAttributes: [{ name: 'value' }, { name: 'serial', returned: 'always' }, { name: 'type' }],
        },
        {
          name: 'links',
          type: 'complex',
          multiValued: true,
          subAttributes: [
            { name: 'value' },
            { name: '$ref', type: 'reference', referenceTypes: ['external'] },
          ],
        },
        { name: 'badge', type: 'complex', returned: 'always', subAttributes: [{ name: 'value' }] },
      ],
    },
    {
      schema: ACME_GROUP,
      resourceType: 'Group',
      attributes: [
        {
          name: 'owner',
          type: 'complex',
          subAttributes: [
            { name: 'value' },
            { name: '$ref', type: 'reference', referenceTypes: ['Group', 'User'] },
          ],
        },
        { name: 'code', returned: 'always' },
      ],
    },
  ]),
);
const registries: [string, SchemaRegistry][] = [
  ['default', createDefaultRegistry()],
  ['acme', acmeRegistry],
];

const ENT_KEY = extensionStorageKey(ENTERPRISE_USER_SCHEMA);
const DOC_KEYS = [
  'id',
  'externalId',
  'meta',
  'schemas',
  'userName',
  'UserName',
  'name',
  'displayName',
  'nickName',
  'active',
  'password',
  'emails',
  'phoneNumbers',
  'addresses',
  'photos',
  'roles',
  'x509Certificates',
  'groups',
  'members',
  'shoeSize',
  '_tenant',
  '_ci',
  ENT_KEY,
  extensionStorageKey(ACME),
  extensionStorageKey(ACME_GROUP),
  extensionStorageKey(CUSTOM),
  extensionStorageKey(OTHER),
  // Not a storage key but mapped back to a declared URN by undeclaredExtensionUrn: both must agree on it.
  ENTERPRISE_USER_SCHEMA,
  CUSTOM,
  ENT_KEY.toLowerCase(),
  extensionStorageKey(CUSTOM).toUpperCase(),
  'urn:example:other',
];
const SUB_KEYS = [
  'value',
  'Value',
  'type',
  'display',
  'primary',
  '$ref',
  'givenName',
  'familyName',
  'GivenName',
  'formatted',
  'displayName',
  'department',
  'note',
  'code',
  'label',
  'serial',
  'resourceType',
  'created',
  'lastModified',
  'location',
  'version',
  'nope',
];
const EXTENSION_KEYS = [
  'department',
  'Department',
  'manager',
  'employeeNumber',
  'secretNote',
  'tag',
  'pin',
  'badges',
  'badge',
  'sponsor',
  'devices',
  'links',
  'owner',
  'code',
  'site',
  'Site',
  'nope',
];

const scalar = fc.oneof(
  fc.constantFrom('u1', 'g2', '', 'a b/ü?', 'User', 'Group', 'user', 'GROUP', 'Foo', 'work'),
  fc.integer({ min: -2, max: 2 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
/** Sub-attribute values: mostly scalars, sometimes objects and arrays (copied by structuredClone). */
const subValue = fc.oneof(
  { weight: 6, arbitrary: scalar },
  { weight: 1, arbitrary: fc.constant({ nested: ['x', { deep: 1 }] }) },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 2 }) },
);
const element = fc.dictionary(fc.constantFrom(...SUB_KEYS), subValue, { maxKeys: 7 });
const attributeValue = fc.oneof(
  { weight: 3, arbitrary: scalar },
  { weight: 3, arbitrary: element },
  { weight: 3, arbitrary: fc.array(fc.oneof(element, element, scalar), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
);
const extensionData = fc.oneof(
  { weight: 5, arbitrary: fc.dictionary(fc.constantFrom(...EXTENSION_KEYS), attributeValue, { maxKeys: 6 }) },
  { weight: 1, arbitrary: scalar },
);
const meta = fc.oneof(
  fc.record(
    {
      resourceType: fc.constantFrom('User', 'Group'),
      created: fc.constant('2024-01-01T00:00:00.000Z'),
      lastModified: fc.constant('2024-01-02T00:00:00.000Z'),
      version: fc.constant('W/"1-u1"'),
      location: fc.constant('https://stale.example.com/Users/u1'),
      extra: scalar,
    },
    { requiredKeys: [] },
  ),
  scalar,
);
const schemas = fc.oneof(
  fc.array(
    fc.oneof(
      fc.constantFrom(USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA, ACME, CUSTOM, OTHER),
      fc.constantFrom(CUSTOM.toLowerCase(), 'urn:ietf:params:scim:schemas:extension:Custom:2.0:User:x'),
      fc.integer(),
    ),
    { maxLength: 4 },
  ),
  scalar,
);
const valueFor = (key: string): fc.Arbitrary<unknown> => {
  if (key === 'meta') return meta;
  if (key === 'schemas') return schemas;
  if (key.startsWith('urn:')) return extensionData;
  return attributeValue;
};
/** Stored documents: any subset of the keys, in any order, with loosely typed values. */
const storedDocument = fc
  .uniqueArray(fc.constantFrom(...DOC_KEYS), { maxLength: DOC_KEYS.length })
  .chain((keys) => fc.tuple(...keys.map((key) => valueFor(key).map((value) => [key, value] as const))))
  .map((entries) => Object.fromEntries(entries) as Record<string, unknown>);

const PATHS = [
  'userName',
  'USERNAME',
  ' userName ',
  'name',
  'name.givenName',
  'NAME.GIVENNAME',
  'name.familyName',
  'name.nope',
  'name.',
  'a.b.c',
  'displayName',
  'emails',
  'emails.value',
  'Emails.Type',
  'addresses.locality',
  'password',
  'groups',
  'groups.display',
  'groups.$ref',
  'members',
  'members.value',
  'members.$ref',
  'members.display',
  'id',
  'schemas',
  'externalId',
  'meta',
  'meta.location',
  'meta.version',
  'shoeSize',
  '',
  'urn:x',
  `${USER_SCHEMA}:userName`,
  `${GROUP_SCHEMA}:displayName`,
  ENTERPRISE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA.toLowerCase(),
  `${ENTERPRISE_USER_SCHEMA}:department`,
  `${ENTERPRISE_USER_SCHEMA}:manager`,
  `${ENTERPRISE_USER_SCHEMA}:manager.value`,
  `${ENTERPRISE_USER_SCHEMA}:Manager.$ref`,
  `${ENTERPRISE_USER_SCHEMA}:nope`,
  ACME,
  `${ACME}:secretNote`,
  `${ACME}:tag`,
  `${ACME}:pin`,
  `${ACME}:sponsor`,
  `${ACME}:sponsor.note`,
  `${ACME}:sponsor.code`,
  `${ACME}:sponsor.label`,
  `${ACME}:sponsor.$ref`,
  `${ACME}:devices`,
  `${ACME}:devices.type`,
  `${ACME}:links.$ref`,
  `${ACME}:badge`,
  ACME_GROUP,
  `${ACME_GROUP}:owner.value`,
  `${ACME_GROUP}:code`,
  CUSTOM,
  `${CUSTOM}:site`,
  `${CUSTOM}:SITE`,
  `${CUSTOM.toLowerCase()}:site`,
  `${CUSTOM}:site.sub`,
  OTHER,
  `${OTHER}:department`,
];
const pathList = fc.array(fc.constantFrom(...PATHS), { maxLength: 5 });
/** Raw lists as toScimResource may be given, and parseAttributeList output as the presenter gives. */
const selectionList = fc.option(
  fc.oneof(
    pathList.map((paths) => ({ parsed: false, paths })),
    pathList.map((paths) => ({ parsed: true, paths })),
  ),
  { nil: undefined },
);

const memberRef: fc.Arbitrary<MemberRef> = fc.record(
  {
    value: fc.constantFrom('u1', 'g/2', '', 'ü'),
    type: fc.constantFrom('User', 'Group', 'group', 'Foo', ''),
    display: fc.constantFrom('Ann', ''),
  },
  { requiredKeys: ['value'] },
);
const groupRef: fc.Arbitrary<GroupRef> = fc.record(
  {
    value: fc.constantFrom('g1', 'g 2', ''),
    type: fc.constantFrom('direct' as const, 'indirect' as const),
    display: fc.constantFrom('Sales', ''),
  },
  { requiredKeys: ['value', 'type'] },
);
const resourceContext = fc.record({
  location: fc.constantFrom(`${BASE}/Users/u1`, `${BASE}/Groups/g1`),
  baseUrl: fc.constantFrom(BASE, `${BASE}/`, `${BASE}//`, ''),
  members: fc.option(fc.array(memberRef, { maxLength: 3 }), { nil: undefined }),
  groups: fc.option(fc.array(groupRef, { maxLength: 3 }), { nil: undefined }),
});

/** The result as JSON, or the error: both implementations must also fail alike. */
function outcome(project: () => Record<string, unknown>): string {
  try {
    return JSON.stringify(project());
  } catch (error) {
    return `throws ${String(error)}`;
  }
}

describe('compiled projection', () => {
  describe.each(registries)('matches the interpreter byte for byte (%s registry)', (_name, registry) => {
    it.each(['User', 'Group'])('for generated %s documents and selections', (resourceType) => {
      const list = (selection: { parsed: boolean; paths: string[] } | undefined) =>
        selection?.parsed
          ? parseAttributeList(registry, resourceType, selection.paths.join(','))
          : selection?.paths;
      fc.assert(
        fc.property(
          storedDocument,
          selectionList,
          selectionList,
          resourceContext,
          (doc, attributes, excluded, base) => {
            const context: ProjectionContext = {
              ...base,
              attributes: list(attributes),
              excludedAttributes: list(excluded),
            };
            const before = JSON.stringify(doc);
            const expected = outcome(() => interpretScimResource(registry, resourceType, doc, context));
            const compiled = compileProjection(
              registry,
              resourceType,
              context.attributes,
              context.excludedAttributes,
            );
            expect(outcome(() => compiled(doc, context))).toBe(expected);
            expect(outcome(() => toScimResource(registry, resourceType, doc, context))).toBe(expected);
            expect(JSON.stringify(doc)).toBe(before);
          },
        ),
        { numRuns: 2500 },
      );
    });
  });

  it('matches the interpreter on a realistic user, with and without the Entra attribute list', () => {
    const registry = createDefaultRegistry();
    const doc = {
      id: 'u1',
      schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, CUSTOM],
      meta: { resourceType: 'User', created: '2024-01-01T00:00:00.000Z', version: 'W/"1-u1"' },
      externalId: 'E1',
      userName: 'ann@example.com',
      name: { givenName: 'Ann', familyName: 'Lee', formatted: 'Ann Lee' },
      active: true,
      emails: [{ value: 'ann@example.com', type: 'work', primary: true }],
      addresses: [{ type: 'work', locality: 'Oslo', country: 'NO' }],
      [ENT_KEY]: { department: 'R&D', manager: { value: 'm1', displayName: 'Boss' } },
      [extensionStorageKey(CUSTOM)]: { site: 'Oslo' },
    };
    const context = { location: `${BASE}/Users/u1`, baseUrl: BASE, groups: [] };
    const entra = parseAttributeList(registry, 'User', 'userName,externalId,active,emails,name');
    for (const selection of [
      {},
      { attributes: entra },
      { excludedAttributes: ['emails', 'name.formatted'] },
    ]) {
      const expected = JSON.stringify(
        interpretScimResource(registry, 'User', doc, { ...context, ...selection }),
      );
      expect(JSON.stringify(toScimResource(registry, 'User', doc, { ...context, ...selection }))).toBe(
        expected,
      );
    }
  });
});

describe(compiledProjection.name, () => {
  const registry = createDefaultRegistry();

  it('compiles a selection once and reuses it', () => {
    const first = compiledProjection(registry, 'User', ['userName'], ['emails']);
    expect(compiledProjection(registry, 'User', ['userName'], ['emails'])).toBe(first);
    expect(compiledProjection(registry, 'Group', ['userName'], ['emails'])).not.toBe(first);
  });

  it('treats empty lists as the default selection', () => {
    const defaults = compiledProjection(registry, 'User');
    expect(compiledProjection(registry, 'User', [], [])).toBe(defaults);
    expect(compiledProjection(registry, 'User', [], undefined)).toBe(defaults);
  });

  it(`keeps at most ${MAX_CACHED_SELECTIONS} other selections per registry, dropping the least recently used`, () => {
    const own = createDefaultRegistry();
    const hot = compiledProjection(own, 'User', ['userName']);
    const cold = compiledProjection(own, 'User', ['displayName']);
    for (let i = 0; i < MAX_CACHED_SELECTIONS; i++) {
      compiledProjection(own, 'User', [`client-chosen-${i}`]);
      compiledProjection(own, 'User', ['userName']);
    }
    expect(compiledProjection(own, 'User', ['userName'])).toBe(hot);
    expect(compiledProjection(own, 'User', ['displayName'])).not.toBe(cold);
  });

  it('keeps plans per registry, so that each registry applies its own extensions', () => {
    const doc = { id: 'u1', [extensionStorageKey(ACME)]: { tag: 't', secretNote: 's' } };
    const context = { location: `${BASE}/Users/u1`, baseUrl: BASE };
    // Undeclared in the default registry (every field returned), declared with secretNote "request" in the other.
    expect(compiledProjection(registry, 'User')(doc, context)[ACME]).toEqual({ tag: 't', secretNote: 's' });
    expect(compiledProjection(acmeRegistry, 'User')(doc, context)[ACME]).toEqual({ tag: 't' });
  });
});
