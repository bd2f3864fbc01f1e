import fc from 'fast-check';
import { ScimError } from '../errors';
import { createDefaultRegistry } from '../schema/core-schemas';
import { ENTERPRISE_USER_SCHEMA, PATCH_OP_SCHEMA } from '../schema/schema-urns';
import { applyPatch } from './patch.engine';
import { babs, ENTERPRISE_KEY, entraUser, group } from './patch-test.fixtures';
import { PatchResult, StorageAttributes } from './patch.types';

/**
 * Whatever a client sends, the engine answers with a result or a 4xx ScimError — never a crash (a 500) —
 * and never touches its input.
 */
const registry = createDefaultRegistry();
const EXT = ENTERPRISE_USER_SCHEMA;

const attributePaths = fc.constantFrom(
  'userName',
  'USERNAME',
  'name',
  'name.givenName',
  'name.nope',
  'emails',
  'emails.value',
  'emails.primary',
  'phoneNumbers',
  'addresses',
  'active',
  'displayName',
  'title',
  'roles',
  'groups',
  'id',
  'meta',
  'meta.created',
  'password',
  'x509Certificates',
  'members',
  'members.value',
  'schemas',
  'nope',
  EXT,
  `${EXT}:manager`,
  `${EXT}:manager.value`,
  `${EXT}:manager.displayName`,
  `${EXT}:employeeNumber`,
  'urn:ietf:params:scim:schemas:extension:Custom:2.0:User:foo',
  'urn:ietf:params:scim:schemas:extension:Custom:2.0:User',
  'urn:ietf:params:scim:schemas:core:2.0:User:nickName',
  'urn:x',
  '',
);

const filters = fc.constantFrom(
  'type eq "work"',
  'type eq "mobile"',
  'primary eq "True"',
  'primary eq true',
  'value eq "u1"',
  'value ew "example.com"',
  'type eq "a" or type eq "b"',
  'type eq "work" and primary eq false',
  'not (type pr)',
  'value eq null',
  'display gt 3',
  'bogus eq "x"',
  'type eq',
  'x[y eq 1]',
  '',
);

const valuePaths = fc
  .tuple(
    fc.constantFrom(
      'emails',
      'phoneNumbers',
      'roles',
      'addresses',
      'members',
      'name',
      'userName',
      `${EXT}:manager`,
    ),
    filters,
    fc.option(fc.constantFrom('value', 'type', 'primary', 'display', 'streetAddress', 'nope'), {
      nil: undefined,
    }),
  )
  .map(([attr, filter, sub]) => `${attr}[${filter}]${sub !== undefined ? `.${sub}` : ''}`);

const paths = fc.oneof(
  { weight: 4, arbitrary: attributePaths },
  { weight: 4, arbitrary: valuePaths },
  { weight: 1, arbitrary: fc.string() },
);

const elements = fc.record(
  {
    value: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    type: fc.constantFrom('work', 'home', 'mobile', 'User'),
    primary: fc.oneof(fc.boolean(), fc.constantFrom('True', 'false', 'maybe')),
    display: fc.string(),
    $ref: fc.constant(null),
  },
  { requiredKeys: [] },
);

const values = fc.oneof(
  fc.string(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('True', 'False', '', null, true, 0),
  fc.array(elements, { maxLength: 4 }),
  elements,
  fc.dictionary(attributePaths, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

const opNames = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'Remove') },
  { weight: 1, arbitrary: fc.oneof(fc.string(), fc.integer()) },
);

const operationPaths = fc.oneof(
  { weight: 20, arbitrary: paths },
  { weight: 1, arbitrary: fc.oneof(fc.constant(null), fc.integer()) },
);

/** Mostly well-formed operations, so that the engine itself (not only the shape check) is exercised. */
const operations = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: opNames, path: operationPaths, value: values }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: opNames,
      value: fc.dictionary(attributePaths, fc.oneof(values, fc.string(), fc.boolean()), { maxKeys: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: opNames, path: operationPaths, value: values }, { requiredKeys: [] }),
  },
);

const bodies = fc.oneof(
  { weight: 1, arbitrary: fc.anything() },
  {
    weight: 8,
    arbitrary: fc.record({
      schemas: fc.oneof(
        { weight: 9, arbitrary: fc.constant([PATCH_OP_SCHEMA]) },
        { weight: 1, arbitrary: fc.anything() },
      ),
      Operations: fc.array(operations, { minLength: 1, maxLength: 3 }),
    }),
  },
);

/** Paths Entra and RFC clients really use, with loosely typed values: mostly successes. */
const realisticPaths = fc.constantFrom(
  'displayName',
  'title',
  'nickName',
  'name.givenName',
  'emails',
  'emails[type eq "work"].value',
  'emails[type eq "work"].primary',
  'emails[type eq "home"]',
  'phoneNumbers[type eq "mobile"].value',
  'addresses[type eq "work"].streetAddress',
  'roles',
  'roles[primary eq "True"].value',
  'active',
  `${EXT}:manager`,
  `${EXT}:manager[value eq "m1"]`,
  `${EXT}:employeeNumber`,
  'urn:ietf:params:scim:schemas:extension:Custom:2.0:User:foo',
);

const realisticValues = fc.oneof(
  fc.string(),
  fc.constantFrom('True', 'False', true, false, null, ''),
  elements,
  fc.array(elements, { maxLength: 3 }),
);

const realisticBodies = fc.record({
  schemas: fc.constant([PATCH_OP_SCHEMA]),
  Operations: fc.array(
    fc.record({
      op: fc.constantFrom('add', 'Add', 'replace', 'Replace', 'remove', 'Remove'),
      path: realisticPaths,
      value: realisticValues,
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

const resources: Array<[string, () => StorageAttributes]> = [
  ['User', babs],
  ['User', entraUser],
  ['Group', group],
];

function check(
  type: string,
  make: () => StorageAttributes,
  body: unknown,
  create: boolean,
  strict: boolean,
): void {
  const input = make();
  const snapshot = structuredClone(input);
  let result: PatchResult | undefined;
  try {
    result = applyPatch(registry, type, input, body, { createOnNoTarget: create, strictExtensions: strict });
  } catch (e) {
    if (!(e instanceof ScimError)) throw e;
    expect(e.status).toBeGreaterThanOrEqual(400);
    expect(e.status).toBeLessThan(500);
  }
  expect(input).toEqual(snapshot);
  if (!result) return;
  expect(result.resource).not.toBe(input);
  expect(result.changed.every((c) => typeof c === 'string')).toBe(true);
  // RFC 7643 §2.5: an attribute without value is absent, never stored as null or [].
  for (const value of Object.values(result.resource)) {
    expect(value === null || value === undefined || (Array.isArray(value) && value.length === 0)).toBe(false);
  }
  // RFC 7643 §2.4: at most one primary value in a multi-valued attribute the request changed.
  for (const key of ['emails', 'roles', 'addresses', 'phoneNumbers']) {
    const list = result.resource[key];
    if (!Array.isArray(list) || !result.changed.includes(key)) continue;
    expect(list.filter((e) => (e as Record<string, unknown>)?.primary === true).length).toBeLessThanOrEqual(
      1,
    );
  }
  // manager.$ref is never stored (docs/entra.md §7.2).
  const manager = (result.resource[ENTERPRISE_KEY] as Record<string, unknown> | undefined)?.manager;
  if (manager !== undefined) expect(manager).not.toHaveProperty('$ref');
  expect(() => JSON.stringify(result.resource)).not.toThrow();
}

describe(`${applyPatch.name} (property)`, () => {
  it('arbitrary bodies: a result or a 4xx ScimError, and the input is never modified', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...resources),
        bodies,
        fc.boolean(),
        fc.boolean(),
        ([type, make], body, create, strict) => check(type, make, body, create, strict),
      ),
      { numRuns: 300 },
    );
  });

  it('realistic requests: a result or a 4xx ScimError, and the input is never modified', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...resources.slice(0, 2)),
        realisticBodies,
        fc.boolean(),
        ([type, make], body, create) => check(type, make, body, create, false),
      ),
      { numRuns: 300 },
    );
  });
});
