import fc from 'fast-check';
import { Query } from 'mingo';
import { ScimError } from '../errors';
import { AttributeDefinition } from '../schema/attribute-definition';
import { createDefaultRegistry } from '../schema/core-schemas';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA } from '../schema/schema-urns';
import { extensionStorageKey } from '../schema/schema.registry';
import { AttrPath, COMPARE_OPS, CompareValue, FilterNode, formatFilter } from './filter.ast';
import { compileFilter, MEMBERSHIP_MARKER } from './filter.compiler';
import { parseFilter } from './filter.parser';

const RUNS = { numRuns: 300 };
const registry = createDefaultRegistry();

/** Runs `fn`; anything thrown must be a 400 ScimError (never a crash that would become a 500). */
function onlyScimErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ScimError);
    expect((e as ScimError).status).toBe(400);
  }
}

// ---- generators -----------------------------------------------------------------------------------------

const attrName = fc.oneof(
  fc.constantFrom(
    'userName',
    'USERNAME',
    'title',
    'emails',
    'name',
    'active',
    'meta',
    'id',
    'externalId',
    'displayName',
    'members',
    'groups',
    'manager',
    'value',
    'type',
    'givenName',
    'created',
    'not',
    'and',
    'or',
    'pr',
    'true',
  ),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,6}$/),
);

const uri = fc.oneof(
  fc.constant(ENTERPRISE_USER_SCHEMA),
  fc.constant(USER_SCHEMA),
  fc.stringMatching(/^urn:[a-z0-9]{1,4}(:[A-Za-z0-9.]{1,4}){0,3}$/),
);

function attrPath(withSub: boolean): fc.Arbitrary<AttrPath> {
  return fc
    .record({
      uri: fc.option(uri, { nil: undefined, freq: 4 }),
      attr: attrName,
      sub: withSub ? fc.option(attrName, { nil: undefined }) : fc.constant(undefined),
    })
    .map(({ uri: u, attr, sub }) => ({
      ...(u !== undefined ? { uri: u } : {}),
      attr,
      ...(sub !== undefined ? { sub } : {}),
    }));
}

const value: fc.Arbitrary<CompareValue> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('True', 'false', '42', '2024-01-31T12:00:00Z', 'work', '.*', '$gt', ''),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null),
);

function leaf(path: fc.Arbitrary<AttrPath>): fc.Arbitrary<FilterNode> {
  return fc.oneof(
    fc
      .record({ path, op: fc.constantFrom(...COMPARE_OPS), value })
      .map((r): FilterNode => ({ kind: 'compare', ...r })),
    path.map((p): FilterNode => ({ kind: 'present', path: p })),
  );
}

const { filter: structuredFilter } = fc.letrec<{ filter: FilterNode; inner: FilterNode }>((tie) => {
  const logical = (child: () => fc.Arbitrary<FilterNode>) => [
    fc
      .record({ kind: fc.constantFrom('and' as const, 'or' as const), left: child(), right: child() })
      .map((n): FilterNode => n),
    child().map((f): FilterNode => ({ kind: 'not', filter: f })),
  ];
  const valuePath = fc
    .record({
      path: attrPath(false),
      inner: tie('inner'),
      tail: fc.option(fc.record({ sub: attrName, cond: leaf(fc.constant({ attr: 'x' })) }), {
        nil: undefined,
      }),
    })
    .map(({ path, inner, tail }): FilterNode => {
      if (!tail) return { kind: 'valuePath', path, filter: inner };
      const cond = { ...tail.cond, path: { attr: tail.sub } } as FilterNode;
      return {
        kind: 'valuePath',
        path,
        filter: { kind: 'and', left: inner, right: cond },
        subAttr: tail.sub,
      };
    });
  return {
    filter: fc.oneof(
      { depthSize: 'small', maxDepth: 4 },
      leaf(attrPath(true)),
      valuePath,
      ...logical(() => tie('filter')),
    ),
    inner: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      leaf(attrPath(true)),
      ...logical(() => tie('inner')),
    ),
  };
});

/** Fragments of filter syntax, shuffled into mostly-wrong filters that still get deep into the grammar. */
const tokenSoup = fc
  .array(
    fc.constantFrom(
      'userName',
      'emails',
      ' ',
      ' eq ',
      ' pr',
      ' and ',
      ' or ',
      'not ',
      '(',
      ')',
      '[',
      ']',
      '.',
      '"x"',
      '"',
      '\\',
      '\\u00',
      '1',
      '-',
      'e5',
      'true',
      `${ENTERPRISE_USER_SCHEMA}:`,
      'manager',
      'value',
      ' gt ',
      ' co ',
      'meta.created',
      '"2024-01-01T00:00:00Z"',
    ),
    { maxLength: 25 },
  )
  .map((parts) => parts.join(''));

/** Text dense in regex metacharacters, case variants and the characters JSON must escape. */
const metaText = fc.string({
  unit: fc.constantFrom(
    '.',
    '*',
    '+',
    '?',
    '(',
    ')',
    '[',
    ']',
    '{',
    '}',
    '|',
    '^',
    '$',
    '\\',
    '/',
    '"',
    'a',
    'A',
    'é',
    '\n',
    '\0',
  ),
  maxLength: 12,
});

// ---- what a compiled query may contain ------------------------------------------------------------------

const OPERATORS = new Set([
  '$and',
  '$or',
  '$nor',
  '$regex',
  '$options',
  '$elemMatch',
  '$exists',
  '$nin',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
]);

/** Every field-name segment the compiler may emit: canonical registry names, storage keys, internal fields. */
const FIELD_SEGMENTS = (() => {
  const names = new Set<string>(['_ci', '0', MEMBERSHIP_MARKER]);
  const walk = (attrs: AttributeDefinition[]) =>
    attrs.forEach((a) => {
      names.add(a.name);
      walk(a.subAttributes ?? []);
    });
  for (const type of ['User', 'Group']) {
    walk(registry.coreAttributes(type));
    for (const ext of registry.extensionSchemas(type)) {
      names.add(extensionStorageKey(ext.id));
      walk(ext.attributes);
    }
  }
  return names;
})();

/** Checks that user input never became an operator or a field name. */
function assertSafe(query: unknown): void {
  if (Array.isArray(query)) return query.forEach(assertSafe);
  if (query === null || typeof query !== 'object') return;
  for (const [key, inner] of Object.entries(query)) {
    if (key.startsWith('$')) expect(OPERATORS).toContain(key);
    else for (const segment of key.split('.')) expect(FIELD_SEGMENTS).toContain(segment);
    if (key !== '$regex') assertSafe(inner);
  }
}

const sampleDocs = [
  {
    id: 'u1',
    userName: 'x',
    title: '.*',
    active: true,
    emails: [{ value: 'work', type: 'work' }],
    name: { givenName: 'True' },
    meta: { created: '2024-01-31T12:00:00.000Z' },
    _ci: { userName: 'x', emails: ['work'] },
  },
  { id: 'u2', meta: { created: '2020-01-01T00:00:00.000Z' }, _ci: {} },
];

// ---- properties ---------------------------------------------------------------------------------------

describe(parseFilter.name, () => {
  it('parseFilter throws nothing but 400 ScimErrors on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 })),
        (text) => onlyScimErrors(() => parseFilter(text)),
      ),
      RUNS,
    );
  });

  it('parse and compile throw nothing but 400 ScimErrors on filter-like token soup', () => {
    fc.assert(
      fc.property(tokenSoup, fc.constantFrom('User', 'Group'), (text, type) =>
        onlyScimErrors(() => compileFilter(registry, type, parseFilter(text))),
      ),
      RUNS,
    );
  });

  it('a formatted structured filter parses back to the same AST', () => {
    fc.assert(
      fc.property(structuredFilter, (ast) => {
        expect(parseFilter(formatFilter(ast))).toEqual(ast);
      }),
      RUNS,
    );
  });
});

describe(compileFilter.name, () => {
  it('compiling structured filters throws nothing but 400 ScimErrors', () => {
    fc.assert(
      fc.property(structuredFilter, fc.constantFrom('User', 'Group'), (ast, type) =>
        onlyScimErrors(() => compileFilter(registry, type, ast)),
      ),
      RUNS,
    );
  });

  it('compiled queries contain only known operators and registry field names, and run in mingo', () => {
    fc.assert(
      fc.property(structuredFilter, fc.constantFrom('User', 'Group'), (ast, type) => {
        let compiled;
        try {
          compiled = compileFilter(registry, type, ast, { unknownAttributes: 'noMatch' });
        } catch (e) {
          expect(e).toBeInstanceOf(ScimError);
          return;
        }
        assertSafe(compiled.query);
        const sut = new Query(compiled.query, {});
        for (const doc of sampleDocs) expect(typeof sut.test(doc)).toBe('boolean');
      }),
      RUNS,
    );
  });

  it('any string value is matched literally by eq, co, sw and ew', () => {
    fc.assert(
      fc.property(fc.oneof(metaText, fc.string({ unit: 'binary', maxLength: 20 })), (s) => {
        const doc = { title: `<${s}>`, externalId: s, _ci: {} };
        const matches = (filter: string) =>
          new Query(compileFilter(registry, 'User', parseFilter(filter)).query, {}).test(doc);
        const json = JSON.stringify(s);
        expect(matches(`externalId eq ${json}`)).toBe(true);
        expect(matches(`title eq ${JSON.stringify(`<${s}>`)}`)).toBe(true);
        expect(matches(`title co ${json}`)).toBe(true);
        expect(matches(`title sw ${JSON.stringify(`<${s}`)}`)).toBe(true);
        expect(matches(`title ew ${JSON.stringify(`${s}>`)}`)).toBe(true);
        expect(matches(`title co ${JSON.stringify(`${s}!`)}`)).toBe(false);
      }),
      RUNS,
    );
  });
});
