import { Query } from 'mingo';
import { ScimError } from '../errors';
import { AttributeDefinition } from '../schema/attribute-definition';
import { createRegistry } from '../schema/core-schemas';
import { ENTERPRISE_USER_SCHEMA } from '../schema/schema-urns';
import { extensionStorageKey } from '../schema/schema.registry';
import { lookupShadows } from '../document/resource-document';
import { FilterNode } from './filter.ast';
import {
  compileFilter,
  CompileFilterOptions,
  compileSort,
  escapeRegex,
  MembershipPredicate,
  resolveMembership,
} from './filter.compiler';
import { parseFilter } from './filter.parser';
import { foldedOrderPattern } from './folded-order';

const TEST_EXT = 'urn:example:scim:schemas:extension:test:1.0:User';
const ENT = extensionStorageKey(ENTERPRISE_USER_SCHEMA);
const EXT = extensionStorageKey(TEST_EXT);

function def(
  name: string,
  type: AttributeDefinition['type'],
  more: Partial<AttributeDefinition> = {},
): AttributeDefinition {
  return {
    name,
    type,
    multiValued: false,
    description: '',
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...more,
  };
}

/** A custom extension with one attribute of every type the core schemas lack. */
const registry = createRegistry([
  {
    resourceType: 'User',
    required: false,
    schema: {
      id: TEST_EXT,
      name: 'Test',
      description: '',
      attributes: [
        def('level', 'integer'),
        def('score', 'decimal'),
        def('vip', 'boolean'),
        def('badge', 'binary', { caseExact: true }),
        def('hiredAt', 'dateTime'),
        def('tags', 'string', { multiValued: true }),
        def('code', 'string', { caseExact: true }),
      ],
    },
  },
]);

function withShadows(doc: Record<string, unknown>): Record<string, unknown> {
  return { ...doc, _ci: lookupShadows(doc) };
}

/** Users in storage shape (resource-document.ts), with their `_ci` shadows. */
const users = [
  {
    id: 'u1',
    userName: 'BJensen',
    externalId: 'ext-1',
    displayName: 'Barbara Jensen',
    title: 'Tour Guide',
    name: { givenName: 'Barbara', familyName: 'Jensen' },
    active: true,
    emails: [
      { value: 'bjensen@Example.com', type: 'work', primary: true },
      { value: 'babs@home.org', type: 'home' },
    ],
    meta: {
      resourceType: 'User',
      created: '2024-01-15T10:00:00.000Z',
      lastModified: '2024-06-01T00:00:00.000Z',
    },
    [ENT]: { employeeNumber: '701984', manager: { value: 'u3' } },
    [EXT]: {
      level: 5,
      score: 2.5,
      vip: true,
      hiredAt: '2020-03-01T00:00:00.000Z',
      tags: ['a', 'b'],
      code: 'AbC',
    },
  },
  {
    id: 'u2',
    userName: 'jsmith',
    title: 'Engineer (Sr.)',
    name: { givenName: 'John', familyName: 'Smith' },
    active: false,
    emails: [
      { value: 'john@work.com', type: 'home' },
      { value: 'j.smith@example.com', type: 'work' },
    ],
    meta: {
      resourceType: 'User',
      created: '2025-02-01T08:30:00.000Z',
      lastModified: '2025-02-01T08:30:00.000Z',
    },
    [ENT]: { employeeNumber: '42' },
    [EXT]: { level: 12, vip: false, code: 'abc', badge: 'AAEC' },
  },
  {
    id: 'u3',
    userName: 'adam',
    title: '',
    name: {},
    active: true,
    meta: {
      resourceType: 'User',
      created: '2023-07-04T00:00:00.000Z',
      lastModified: '2023-07-04T00:00:00.000Z',
    },
  },
].map(withShadows);

const groups = [
  { id: 'g1', displayName: 'Admins', meta: { resourceType: 'Group', created: '2024-01-01T00:00:00.000Z' } },
  { id: 'g2', displayName: 'Sales', meta: { resourceType: 'Group', created: '2024-01-02T00:00:00.000Z' } },
].map(withShadows);

const compile = (filter: string, resourceType = 'User', options?: CompileFilterOptions) =>
  compileFilter(registry, resourceType, parseFilter(filter), options);

/** Ids of the sample documents that the compiled query selects, executed with mingo like the embedded store. */
function select(filter: string, resourceType = 'User'): string[] {
  const { query, membership } = compile(filter, resourceType);
  expect(membership).toEqual([]);
  const sut = new Query(query, {});
  return (resourceType === 'User' ? users : groups).filter((d) => sut.test(d)).map((d) => d.id as string);
}

function errorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError, nothing was thrown');
}

describe(compileFilter.name, () => {
  describe('query documents', () => {
    it('uses the lower-cased shadow for a case-insensitive eq on userName', () => {
      expect(compile('userName eq "BJensen"').query).toEqual({ '_ci.userName': 'bjensen' });
    });

    it('uses the lower-cased shadow for displayName on Group', () => {
      expect(compile('DISPLAYNAME eq "Admins"', 'Group').query).toEqual({ '_ci.displayName': 'admins' });
    });

    it('uses the emails shadow for emails.value eq', () => {
      expect(compile('emails.value eq "A@B.com"').query).toEqual({ '_ci.emails': 'a@b.com' });
    });

    it('compares a caseExact attribute by plain equality', () => {
      expect(compile('externalId eq "Ext-1"').query).toEqual({ externalId: 'Ext-1' });
    });

    it('compares id by plain equality', () => {
      expect(compile('id eq "u1"').query).toEqual({ id: 'u1' });
    });

    it('uses an anchored, escaped, case-insensitive regex for eq on other case-insensitive strings', () => {
      expect(compile('title eq "a.b*(c)"').query).toEqual({
        title: { $regex: '^a\\.b\\*\\(c\\)$', $options: 'i' },
      });
    });

    it.each([
      ['co', 'x+y', { title: { $regex: 'x\\+y', $options: 'i' } }],
      ['sw', 'x+y', { title: { $regex: '^x\\+y', $options: 'i' } }],
      ['ew', 'x+y', { title: { $regex: 'x\\+y$', $options: 'i' } }],
    ])('compiles title %s to an escaped regex', (op, value, expected) => {
      expect(compile(`title ${op} "${value}"`).query).toEqual(expected);
    });

    it('omits the i option for a caseExact attribute', () => {
      expect(compile('externalId sw "Ab"').query).toEqual({ externalId: { $regex: '^Ab' } });
    });

    it('compiles sw on a shadowed attribute to a case-sensitive prefix regex on the shadow (index-friendly)', () => {
      expect(compile('userName sw "BJ"').query).toEqual({ '_ci.userName': { $regex: '^bj' } });
    });

    it('compiles ne on a case-insensitive attribute as the negation of eq', () => {
      expect(compile('userName ne "X"').query).toEqual({ $nor: [{ '_ci.userName': 'x' }] });
    });

    it('compiles ne on a caseExact attribute to $ne', () => {
      expect(compile('externalId ne "X"').query).toEqual({ externalId: { $ne: 'X' } });
    });

    it('normalizes a dateTime comparison value to an ISO string', () => {
      expect(compile('meta.lastModified gt "2011-05-13T04:42:34+02:00"').query).toEqual({
        'meta.lastModified': { $gt: '2011-05-13T02:42:34.000Z' },
      });
    });

    it.each([
      ['gt', '$gt'],
      ['ge', '$gte'],
      ['lt', '$lt'],
      ['le', '$lte'],
    ])('compiles %s on an integer to %s with a number', (op, mongoOp) => {
      expect(compile(`${TEST_EXT}:level ${op} "7"`).query).toEqual({ [`${EXT}.level`]: { [mongoOp]: 7 } });
    });

    it('compiles gt on a caseExact=false string without a shadow to a flag-free folded-order regex', () => {
      expect(compile('title gt "M"').query).toEqual({ title: { $regex: foldedOrderPattern('gt', 'm') } });
    });

    it('uses the folded-order regex inside $elemMatch too, where $expr is not allowed', () => {
      expect(compile('emails[value lt "B"]').query).toEqual({
        emails: { $elemMatch: { value: { $regex: foldedOrderPattern('lt', 'b') } } },
      });
    });

    it('compiles gt on a shadowed attribute on the shadow (index-friendly)', () => {
      expect(compile('userName gt "M"').query).toEqual({ '_ci.userName': { $gt: 'm' } });
    });

    it('keeps a case-sensitive $gt for a caseExact string', () => {
      expect(compile(`${TEST_EXT}:code gt "M"`).query).toEqual({ [`${EXT}.code`]: { $gt: 'M' } });
    });

    it('falls back to a case-sensitive $lt for a value outside the BMP (documented limitation)', () => {
      expect(compile('title lt "😀"').query).toEqual({
        title: { $lt: '😀' },
      });
    });

    it('accepts Entra\'s "True" string for a boolean', () => {
      expect(compile('active eq "True"').query).toEqual({ active: true });
    });

    it('compiles eq null to a null equality (absent or null)', () => {
      expect(compile('title eq null').query).toEqual({ title: null });
    });

    it('compiles and, or and not to $and, $or and $nor, flattening chains', () => {
      expect(
        compile('id eq "a" and id eq "b" and (id eq "c" or id eq "d" or not (id eq "e"))').query,
      ).toEqual({
        $and: [{ id: 'a' }, { id: 'b' }, { $or: [{ id: 'c' }, { id: 'd' }, { $nor: [{ id: 'e' }] }] }],
      });
    });

    it('compiles a value path to $elemMatch plus the emails shadow equality', () => {
      expect(compile('emails[type eq "work"].value eq "X@Y.com"').query).toEqual({
        $and: [
          { '_ci.emails': 'x@y.com' },
          {
            emails: {
              $elemMatch: {
                $and: [
                  { type: { $regex: '^work$', $options: 'i' } },
                  { value: { $regex: '^X@Y\\.com$', $options: 'i' } },
                ],
              },
            },
          },
        ],
      });
    });

    it('compiles a value path without an equality on value to a bare $elemMatch', () => {
      expect(compile('emails[primary eq true]').query).toEqual({ emails: { $elemMatch: { primary: true } } });
    });

    it('compiles a value path on a single complex attribute to dotted paths', () => {
      expect(compile('name[givenName eq "B" and familyName pr]').query).toEqual({
        $and: [
          { 'name.givenName': { $regex: '^B$', $options: 'i' } },
          { 'name.familyName': { $exists: true, $nin: [null, ''] } },
        ],
      });
    });

    it('addresses extension attributes under their storage key', () => {
      expect(compile(`${ENTERPRISE_USER_SCHEMA}:manager.value eq "u3"`).query).toEqual({
        [`${ENT}.manager.value`]: { $regex: '^u3$', $options: 'i' },
      });
    });

    it('resolves an unqualified extension attribute (Entra "manager eq") through its value', () => {
      expect(compile('manager eq "u3"').query).toEqual(
        compile(`${ENTERPRISE_USER_SCHEMA}:manager.value eq "u3"`).query,
      );
    });

    it('compiles pr on a multi-valued attribute to "has a first element"', () => {
      expect(compile('emails pr').query).toEqual({ 'emails.0': { $exists: true } });
    });

    it('compiles pr on a sub-attribute of a multi-valued attribute with $elemMatch', () => {
      expect(compile('emails.value pr').query).toEqual({
        emails: { $elemMatch: { value: { $exists: true, $nin: [null, ''] } } },
      });
    });

    it('keeps operator-looking user text as a literal operand', () => {
      expect(compile('externalId eq "{\\"$gt\\": \\"\\"}"').query).toEqual({ externalId: '{"$gt": ""}' });
    });

    it('matches nothing for an unknown attribute when asked to', () => {
      expect(
        compile('nickname2 eq "x" or id eq "u1"', 'User', { unknownAttributes: 'noMatch' }).query,
      ).toEqual({
        $or: [{ id: { $in: [] } }, { id: 'u1' }],
      });
    });

    it('is pure: compiling twice gives equal results', () => {
      const ast: FilterNode = parseFilter('userName eq "x" and emails[type eq "work"]');
      expect(compileFilter(registry, 'User', ast)).toEqual(compileFilter(registry, 'User', ast));
    });
  });

  describe('execution against storage-shape documents (mingo)', () => {
    it.each([
      ['userName eq "bjensen"', ['u1']],
      ['userName eq "BJENSEN"', ['u1']],
      ['USERNAME Eq "ADAM"', ['u3']],
      ['userName ne "bjensen"', ['u2', 'u3']],
      ['userName co "SMI"', ['u2']],
      ['userName sw "a"', ['u3']],
      ['userName ew "SEN"', ['u1']],
      ['userName gt "b"', ['u1', 'u2']],
      ['externalId eq "ext-1"', ['u1']],
      ['externalId eq "EXT-1"', []],
      ['externalId pr', ['u1']],
      ['title eq "tour guide"', ['u1']],
      ['title co "(sr.)"', ['u2']],
      ['title co "."', ['u2']],
      ['title pr', ['u1', 'u2']],
      ['displayName eq "barbara jensen"', ['u1']],
      ['name.givenName sw "j"', ['u2']],
      ['name pr', ['u1', 'u2']],
      ['not (name pr)', ['u3']],
      ['name[givenName eq "JOHN" and familyName eq "smith"]', ['u2']],
      ['active eq true', ['u1', 'u3']],
      ['active eq "False"', ['u2']],
      ['active ne true', ['u2']],
      ['meta.created gt "2024-01-01T00:00:00Z"', ['u1', 'u2']],
      ['meta.created lt "2024-01-15T11:00:01+01:00"', ['u1', 'u3']],
      ['meta.created ge "2024-01-15T10:00:00.000Z"', ['u1', 'u2']],
      ['meta.lastModified le "2024-06-01T00:00:00Z"', ['u1', 'u3']],
      ['meta.created eq "2024-01-15T10:00:00Z"', ['u1']],
      [`${TEST_EXT}:level gt 5`, ['u2']],
      [`${TEST_EXT}:level ge 5`, ['u1', 'u2']],
      [`${TEST_EXT}:level lt "10"`, ['u1']],
      [`${TEST_EXT}:level eq 12`, ['u2']],
      [`${TEST_EXT}:score le 2.5`, ['u1']],
      [`${TEST_EXT}:vip eq false`, ['u2']],
      [`${TEST_EXT}:hiredAt lt "2021-01-01"`, ['u1']],
      [`${TEST_EXT}:tags eq "B"`, ['u1']],
      [`${TEST_EXT}:tags pr`, ['u1']],
      [`${TEST_EXT}:code eq "abc"`, ['u2']],
      [`${TEST_EXT}:code co "b"`, ['u1', 'u2']],
      [`${TEST_EXT}:badge eq "AAEC"`, ['u2']],
      [`${ENTERPRISE_USER_SCHEMA}:employeeNumber eq "42"`, ['u2']],
      [`urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:EMPLOYEENUMBER eq "701984"`, ['u1']],
      [`${ENTERPRISE_USER_SCHEMA}:manager.value eq "u3"`, ['u1']],
      ['manager eq "u3"', ['u1']],
      [`${ENTERPRISE_USER_SCHEMA}:manager pr`, ['u1']],
      ['emails eq "JOHN@work.com"', ['u2']],
      ['emails co "example.com"', ['u1', 'u2']],
      ['emails.value eq "BJENSEN@example.COM"', ['u1']],
      ['emails.type eq "work"', ['u1', 'u2']],
      ['emails pr', ['u1', 'u2']],
      ['emails.value pr', ['u1', 'u2']],
      ['emails[type eq "work"].value eq "john@work.com"', []],
      ['emails[type eq "home"].value eq "john@work.com"', ['u2']],
      ['emails[type eq "work" and value co "@example.com"]', ['u1', 'u2']],
      ['emails[type eq "home" and value ew ".org"]', ['u1']],
      ['emails[primary eq true]', ['u1']],
      ['emails[not (type eq "work")]', ['u1', 'u2']],
      ['emails[type eq "work"].value sw "J."', ['u2']],
      ['emails[type eq "work"] and not (active eq true)', ['u2']],
      ['userName eq "adam" or emails[type eq "home" and value eq "babs@home.org"]', ['u1', 'u3']],
      ['title eq null', []],
      [`${TEST_EXT}:score eq null`, ['u2', 'u3']],
      ['id eq "u1" or id eq "u2" and active eq true', ['u1']],
      ['(id eq "u1" or id eq "u2") and active eq true', ['u1']],
    ])('%s selects %j', (filter, expected) => {
      expect(select(filter)).toEqual(expected);
    });

    it('matches regex metacharacters literally', () => {
      expect(select('title co ".*"')).toEqual([]);
    });

    // RFC 7644 §3.4.2.2: gt/ge/lt/le on caseExact=false strings without a shadow ignore case (folded-order.ts).
    it.each([
      ['title gt "t"', ['u1']],
      ['title ge "TOUR GUIDE"', ['u1']],
      ['title lt "F"', ['u2', 'u3']],
      ['title le "engineer (SR.)"', ['u2', 'u3']],
      ['name.familyName ge "jensen"', ['u1', 'u2']],
      ['name[familyName lt "S"]', ['u1']],
      [`${TEST_EXT}:tags lt "B"`, ['u1']],
      ['emails.type gt "Home"', ['u1', 'u2']],
      ['emails[type eq "work" and value gt "C"]', ['u2']],
      ['not (title gt "t")', ['u2', 'u3']],
    ])('orders without regard to case: %s selects %j', (filter, expected) => {
      expect(select(filter)).toEqual(expected);
    });

    it('keeps ordering case-sensitive on caseExact attributes', () => {
      expect(select(`${TEST_EXT}:code gt "a"`)).toEqual(['u2']);
    });

    it('selects groups by displayName without regard to case', () => {
      expect(select('displayName eq "sales"', 'Group')).toEqual(['g2']);
    });
  });

  describe('errors', () => {
    it.each([
      ['nickname2 eq "x"', 'Unknown attribute "nickname2" in the filter: User has no such attribute'],
      ['name.middle eq "x"', 'Unknown attribute "name.middle"'],
      ['urn:example:unknown:2.0:User:foo eq "x"', 'Unknown attribute "urn:example:unknown:2.0:User:foo"'],
      [
        'emails[kind eq "x"]',
        'Unknown attribute "kind" in the filter: emails has no sub-attribute of that name',
      ],
      ['emails[emails.type eq "x"]', 'Unknown attribute "emails.type"'],
      ['active gt true', '"active gt true": active is a boolean, which only eq and ne can compare'],
      ['active co "t"', 'active is a boolean'],
      ['active eq "yes"', 'so the value must be true or false'],
      ['active eq 1', 'so the value must be true or false'],
      [`${TEST_EXT}:badge lt "A"`, 'is a binary, which gt, ge, lt and le cannot compare'],
      [`${TEST_EXT}:level eq "ten"`, 'is an integer, so the value must be a number'],
      [`${TEST_EXT}:level eq true`, 'so the value must be a number'],
      [`${TEST_EXT}:level co "1"`, 'which co, sw and ew cannot compare'],
      ['meta.created gt "yesterday"', 'so the value must be a date and time'],
      ['meta.created gt 5', 'so the value must be a date and time'],
      ['meta.created sw "2024"', 'which co, sw and ew cannot compare'],
      ['title eq true', 'title is a string, so the value must be a string'],
      ['title gt null', 'only eq and ne can compare with null'],
      ['name eq "x"', '"name" is a complex attribute: compare one of its sub-attributes'],
      ['password eq "secret"', '"password" cannot be used in a filter'],
      ['userName[value eq "x"]', 'a value filter needs a complex attribute'],
    ])('rejects %s', (filter, fragment) => {
      const sut = errorOf(() => compile(filter));
      expect(sut.status).toBe(400);
      expect(sut.scimType).toBe('invalidFilter');
      expect(sut.detail).toContain(fragment);
    });

    it('rejects a nested value path built by hand', () => {
      const ast: FilterNode = {
        kind: 'valuePath',
        path: { attr: 'emails' },
        filter: {
          kind: 'valuePath',
          path: { attr: 'ims' },
          filter: { kind: 'present', path: { attr: 'value' } },
        },
      };
      expect(errorOf(() => compileFilter(registry, 'User', ast)).detail).toContain(
        'Value paths cannot be nested',
      );
    });
  });

  describe('undeclared extension attributes (entra.md §7.4)', () => {
    const CONTOSO = 'urn:ietf:params:scim:schemas:extension:Contoso:2.0:User';
    const stored = [
      { id: 'c1', [extensionStorageKey(CONTOSO)]: { site: 'Oslo' } },
      { id: 'c2', [extensionStorageKey(CONTOSO)]: { site: 'Bergen' } },
    ];

    it('compiles an attribute of an undeclared extension as a case-insensitive string where it is stored', () => {
      expect(compile(`${CONTOSO}:site eq "Oslo"`).query).toEqual({
        [`${extensionStorageKey(CONTOSO)}.site`]: { $regex: '^Oslo$', $options: 'i' },
      });
    });

    it('selects by it, also in an "and"', () => {
      const { query } = compile(`${CONTOSO}:site eq "OSLO" and id eq "c1"`);
      expect(stored.filter((d) => new Query(query, {}).test(d)).map((d) => d.id)).toEqual(['c1']);
    });

    it('orders it without regard to case', () => {
      const { query } = compile(`${CONTOSO}:site gt "n"`);
      expect(stored.filter((d) => new Query(query, {}).test(d)).map((d) => d.id)).toEqual(['c1']);
    });

    it('treats it as unknown under strictExtensions', () => {
      const sut = errorOf(() => compile(`${CONTOSO}:site eq "Oslo"`, 'User', { strictExtensions: true }));
      expect([sut.scimType, sut.detail]).toEqual([
        'invalidFilter',
        expect.stringContaining('Unknown attribute'),
      ]);
    });

    it('does not take a sub-attribute of it', () => {
      expect(errorOf(() => compile(`${CONTOSO}:site.city eq "Oslo"`)).scimType).toBe('invalidFilter');
    });
  });

  describe('group membership', () => {
    it.each(['members[value eq "u1"]', 'members.value eq "u1"', 'members eq "u1"', 'MEMBERS[VALUE EQ "u1"]'])(
      'compiles the Group filter %s to a membership marker',
      (filter) => {
        expect(compile(filter, 'Group')).toEqual({
          query: { __membership: 0 },
          membership: [{ index: 0, kind: 'groupsHavingMember', ids: ['u1'] }],
        });
      },
    );

    it.each(['groups[value eq "g1"]', 'groups.value eq "g1"', 'groups eq "g1"'])(
      'compiles the User filter %s to a membership marker',
      (filter) => {
        expect(compile(filter, 'User')).toEqual({
          query: { __membership: 0 },
          membership: [{ index: 0, kind: 'membersOfGroup', ids: ['g1'] }],
        });
      },
    );

    it("keeps Entra's reference check id eq … and members[value eq …] structural", () => {
      expect(compile('id eq "g1" and members[value eq "u1"]', 'Group')).toEqual({
        query: { $and: [{ id: 'g1' }, { __membership: 0 }] },
        membership: [{ index: 0, kind: 'groupsHavingMember', ids: ['u1'] }],
      });
    });

    it('collects alternatives of one value filter into one predicate', () => {
      expect(compile('members[value eq "u1" or value eq "u2"]', 'Group').membership).toEqual([
        { index: 0, kind: 'groupsHavingMember', ids: ['u1', 'u2'] },
      ]);
    });

    it('compiles members pr to a predicate for any membership', () => {
      expect(compile('members pr', 'Group').membership).toEqual([
        { index: 0, kind: 'groupsHavingMember', ids: [], any: true },
      ]);
    });

    it.each([
      'members ne "u1"',
      'members co "u1"',
      'members.display eq "Babs"',
      'members[type eq "User"]',
      'members[value eq "u1" and type eq "User"]',
      'members[type eq "User"].value eq "u1"',
      'groups.type eq "direct"',
    ])('rejects the unsupported membership filter %s', (filter) => {
      const type = filter.startsWith('groups') ? 'User' : 'Group';
      const sut = errorOf(() => compile(filter, type));
      expect(sut.scimType).toBe('invalidFilter');
      expect(sut.detail).toMatch(/^Unsupported filter on (members|groups): only/);
    });
  });
});

describe(resolveMembership.name, () => {
  const lookup: Record<string, string[]> = { u1: ['g1'], u2: ['g1', 'g2'] };
  const resolver = async (p: MembershipPredicate) => p.ids.flatMap((id) => lookup[id] ?? []);

  it('returns the query unchanged when there is no predicate', async () => {
    const compiled = compile('displayName eq "x"', 'Group');
    await expect(resolveMembership(compiled, resolver)).resolves.toBe(compiled.query);
  });

  it('replaces markers at any depth, inside not and or', async () => {
    const compiled = compile('not (members eq "u2") or (id eq "g9" and members[value eq "u1"])', 'Group');
    await expect(resolveMembership(compiled, resolver)).resolves.toEqual({
      $or: [{ $nor: [{ id: { $in: ['g1', 'g2'] } }] }, { $and: [{ id: 'g9' }, { id: { $in: ['g1'] } }] }],
    });
  });

  it('leaves the compiled filter untouched', async () => {
    const compiled = compile('members eq "u1"', 'Group');
    await resolveMembership(compiled, resolver);
    expect(compiled.query).toEqual({ __membership: 0 });
  });

  it('selects the right groups once resolved (mingo)', async () => {
    const query = await resolveMembership(
      compile('members eq "u1" and not (displayName eq "sales")', 'Group'),
      resolver,
    );
    const sut = new Query(query, {});
    expect(groups.filter((g) => sut.test(g)).map((g) => g.id)).toEqual(['g1']);
  });
});

describe(compileSort.name, () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['userName', { field: '_ci.userName' }],
    ['USERNAME', { field: '_ci.userName' }],
    ['name.familyName', { field: 'name.familyName', caseInsensitive: true }],
    ['title', { field: 'title', caseInsensitive: true }],
    ['meta.lastModified', { field: 'meta.lastModified' }],
    ['externalId', { field: 'externalId' }],
    ['emails', { field: '_ci.emails' }],
    ['emails.value', { field: '_ci.emails' }],
    ['phoneNumbers', { field: 'phoneNumbers.value', caseInsensitive: true }],
    ['emails.type', { field: 'emails.type', caseInsensitive: true }],
    [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`, { field: `${ENT}.employeeNumber`, caseInsensitive: true }],
    [`${ENTERPRISE_USER_SCHEMA}:manager`, { field: `${ENT}.manager.value`, caseInsensitive: true }],
    [`${TEST_EXT}:code`, { field: `${EXT}.code` }],
    [`${TEST_EXT}:level`, { field: `${EXT}.level` }],
    [`${TEST_EXT}:tags`, { field: `${EXT}.tags`, caseInsensitive: true }],
  ])(
    'maps %j to %j (caseInsensitive for caseExact=false strings without a shadow, RFC 7644 §3.4.2.3)',
    (sortBy, expected) => {
      expect(compileSort(registry, 'User', sortBy)).toEqual(expected);
    },
  );

  it('sorts groups by the displayName shadow', () => {
    expect(compileSort(registry, 'Group', 'displayName')).toEqual({ field: '_ci.displayName' });
  });

  it.each([
    ['User', 'nickname2', 'does not name an attribute of User'],
    ['User', 'name', 'names the complex attribute name'],
    ['User', 'password', 'is never returned'],
    ['User', 'groups', 'cannot be used for sorting'],
    ['Group', 'members.value', 'cannot be used for sorting'],
    ['User', 'a..b', 'Invalid attribute path'],
  ])('rejects %s sortBy %j with invalidValue', (type, sortBy, fragment) => {
    const sut = errorOf(() => compileSort(registry, type, sortBy));
    expect(sut.status).toBe(400);
    expect(sut.scimType).toBe('invalidValue');
    expect(sut.detail).toContain(fragment);
  });
});

describe(escapeRegex.name, () => {
  it('escapes every regex metacharacter', () => {
    const sut = escapeRegex('\\^$.*+?()[]{}|/');
    expect(new RegExp(`^${sut}$`).test('\\^$.*+?()[]{}|/')).toBe(true);
  });

  it('spells NUL as \\x00', () => {
    expect(escapeRegex('a\0b')).toBe('a\\x00b');
  });
});
