import { ScimError } from '../errors';
import { AttrPath, FilterNode } from './filter.ast';
import { parseAttributePath, parseFilter, parsePatchPath } from './filter.parser';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const p = (attr: string, sub?: string, uri?: string): AttrPath => ({
  ...(uri !== undefined ? { uri } : {}),
  attr,
  ...(sub !== undefined ? { sub } : {}),
});
const pr = (attr: string): FilterNode => ({ kind: 'present', path: p(attr) });
const eq = (attr: string, value: string | number | boolean | null): FilterNode => ({
  kind: 'compare',
  path: p(attr),
  op: 'eq',
  value,
});

/** Runs `fn` and returns the ScimError it throws (fails the test if it throws nothing or something else). */
function errorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError, nothing was thrown');
}

describe(parseFilter.name, () => {
  describe('attribute expressions', () => {
    it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const)(
      'parses the %s operator',
      (op) => {
        const sut = parseFilter(`userName ${op} "bjensen"`);
        expect(sut).toEqual({ kind: 'compare', path: p('userName'), op, value: 'bjensen' });
      },
    );

    it.each(['EQ', 'Eq', 'eQ'])('accepts the operator in any case (%s)', (op) => {
      expect(parseFilter(`userName ${op} "x"`)).toEqual(eq('userName', 'x'));
    });

    it('parses pr in any case', () => {
      expect(parseFilter('title PR')).toEqual(pr('title'));
    });

    it('keeps attribute names as the client wrote them', () => {
      expect(parseFilter('USERNAME eq "x"')).toEqual(eq('USERNAME', 'x'));
    });

    it('parses a sub-attribute path', () => {
      expect(parseFilter('name.familyName co "O\'Malley"')).toEqual({
        kind: 'compare',
        path: p('name', 'familyName'),
        op: 'co',
        value: "O'Malley",
      });
    });

    it('tolerates extra whitespace, tabs and no space before a string', () => {
      expect(parseFilter('  userName \t eq"x"  ')).toEqual(eq('userName', 'x'));
    });

    it('reads "not" followed by an operator as an attribute named not', () => {
      expect(parseFilter('not pr')).toEqual(pr('not'));
    });

    it('reads "not" followed by "[" as a value path on an attribute named not', () => {
      expect(parseFilter('not[a pr]')).toEqual({ kind: 'valuePath', path: p('not'), filter: pr('a') });
    });
  });

  describe('values', () => {
    it.each([
      ['"plain"', 'plain'],
      ['"with \\"quotes\\""', 'with "quotes"'],
      ['"back\\\\slash"', 'back\\slash'],
      ['"caf\\u00e9"', 'café'],
      ['"\\/\\b\\f\\n\\r\\t"', '/\b\f\n\r\t'],
      ['""', ''],
      ['"[x] (y) and or"', '[x] (y) and or'],
    ])('decodes the JSON string %s', (text, expected) => {
      expect(parseFilter(`a eq ${text}`)).toEqual(eq('a', expected));
    });

    it.each([
      ['42', 42],
      ['0', 0],
      ['-7', -7],
      ['3.25', 3.25],
      ['-0.5', -0.5],
      ['1e3', 1000],
      ['2.5E-2', 0.025],
      ['-1.5e+3', -1500],
    ])('parses the number %s', (text, expected) => {
      expect(parseFilter(`a eq ${text}`)).toEqual(eq('a', expected));
    });

    it.each([
      ['true', true],
      ['TRUE', true],
      ['False', false],
      ['null', null],
      ['NULL', null],
    ])('parses the literal %s', (text, expected) => {
      expect(parseFilter(`a eq ${text}`)).toEqual(eq('a', expected));
    });
  });

  describe('logical operators and precedence', () => {
    it('binds and tighter than or (a or b and c)', () => {
      expect(parseFilter('a pr or b pr and c pr')).toEqual({
        kind: 'or',
        left: pr('a'),
        right: { kind: 'and', left: pr('b'), right: pr('c') },
      });
    });

    it('binds and tighter than or (a and b or c)', () => {
      expect(parseFilter('a pr and b pr or c pr')).toEqual({
        kind: 'or',
        left: { kind: 'and', left: pr('a'), right: pr('b') },
        right: pr('c'),
      });
    });

    it('associates chains to the left', () => {
      expect(parseFilter('a pr or b pr or c pr')).toEqual({
        kind: 'or',
        left: { kind: 'or', left: pr('a'), right: pr('b') },
        right: pr('c'),
      });
    });

    it('accepts logical operators in any case', () => {
      expect(parseFilter('a pr AND b pr Or c pr')).toEqual(parseFilter('a pr and b pr or c pr'));
    });

    it('lets parentheses override precedence', () => {
      expect(parseFilter('(a pr or b pr) and c pr')).toEqual({
        kind: 'and',
        left: { kind: 'or', left: pr('a'), right: pr('b') },
        right: pr('c'),
      });
    });

    it('drops redundant parentheses', () => {
      expect(parseFilter('((a pr))')).toEqual(pr('a'));
    });

    it('parses not with a space before the parenthesis', () => {
      expect(parseFilter('not (a pr)')).toEqual({ kind: 'not', filter: pr('a') });
    });

    it('parses NOT without a space before the parenthesis', () => {
      expect(parseFilter('NOT(a pr or b pr)')).toEqual({
        kind: 'not',
        filter: { kind: 'or', left: pr('a'), right: pr('b') },
      });
    });

    it('applies not to its parenthesised group only', () => {
      expect(parseFilter('not (a pr) and b pr')).toEqual({
        kind: 'and',
        left: { kind: 'not', filter: pr('a') },
        right: pr('b'),
      });
    });

    it('parses the RFC 7644 §3.4.2.2 example with not', () => {
      const sut = parseFilter(
        'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      );
      expect(sut).toEqual({
        kind: 'and',
        left: { kind: 'compare', path: p('userType'), op: 'ne', value: 'Employee' },
        right: {
          kind: 'not',
          filter: {
            kind: 'or',
            left: { kind: 'compare', path: p('emails'), op: 'co', value: 'example.com' },
            right: { kind: 'compare', path: p('emails', 'value'), op: 'co', value: 'example.org' },
          },
        },
      });
    });

    it('parses a long and-chain without hitting the depth limit', () => {
      const text = Array.from({ length: 300 }, (_, i) => `a${i} pr`).join(' and ');
      const sut = parseFilter(text);
      expect(sut.kind).toBe('and');
    });
  });

  describe('value paths', () => {
    it('parses a value filter', () => {
      expect(parseFilter('emails[type eq "work" and value co "@example.com"]')).toEqual({
        kind: 'valuePath',
        path: p('emails'),
        filter: {
          kind: 'and',
          left: eq('type', 'work'),
          right: { kind: 'compare', path: p('value'), op: 'co', value: '@example.com' },
        },
      });
    });

    it('turns attr[filter].sub op value into one element condition with subAttr', () => {
      expect(parseFilter('emails[type eq "work"].value eq "x@example.com"')).toEqual({
        kind: 'valuePath',
        path: p('emails'),
        filter: { kind: 'and', left: eq('type', 'work'), right: eq('value', 'x@example.com') },
        subAttr: 'value',
      });
    });

    it('keeps an or inside the brackets together when a sub-attribute follows', () => {
      const sut = parseFilter('emails[type eq "work" or type eq "home"].value pr');
      expect(sut).toEqual({
        kind: 'valuePath',
        path: p('emails'),
        filter: {
          kind: 'and',
          left: { kind: 'or', left: eq('type', 'work'), right: eq('type', 'home') },
          right: pr('value'),
        },
        subAttr: 'value',
      });
    });

    it('accepts grouping and not inside a value filter (errata 7322)', () => {
      const sut = parseFilter('emails[type eq "work" or not (type eq "home" and value ew "@example.com")]');
      expect(sut).toMatchObject({
        kind: 'valuePath',
        filter: { kind: 'or', right: { kind: 'not', filter: { kind: 'and' } } },
      });
    });

    it('combines value paths with logical operators', () => {
      const sut = parseFilter('emails[type eq "work"] or ims[type eq "xmpp"]');
      expect(sut).toEqual({
        kind: 'or',
        left: { kind: 'valuePath', path: p('emails'), filter: eq('type', 'work') },
        right: { kind: 'valuePath', path: p('ims'), filter: eq('type', 'xmpp') },
      });
    });

    it('parses a value path on a URN-qualified attribute', () => {
      const sut = parseFilter(`${ENTERPRISE}:manager[value eq "m1"]`);
      expect(sut).toEqual({
        kind: 'valuePath',
        path: p('manager', undefined, ENTERPRISE),
        filter: eq('value', 'm1'),
      });
    });
  });

  describe('URN-qualified paths', () => {
    it('splits the URN at the last colon, keeping the "2.0" inside it', () => {
      expect(parseFilter(`${ENTERPRISE}:employeeNumber eq "1"`)).toEqual({
        kind: 'compare',
        path: p('employeeNumber', undefined, ENTERPRISE),
        op: 'eq',
        value: '1',
      });
    });

    it('parses a URN path with a sub-attribute', () => {
      expect(parseFilter(`${ENTERPRISE}:manager.value eq "x"`)).toEqual({
        kind: 'compare',
        path: p('manager', 'value', ENTERPRISE),
        op: 'eq',
        value: 'x',
      });
    });

    it('parses a core-schema URN prefix', () => {
      expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:name.familyName pr')).toEqual({
        kind: 'present',
        path: p('name', 'familyName', 'urn:ietf:params:scim:schemas:core:2.0:User'),
      });
    });
  });

  describe('errors', () => {
    it.each([
      ['userName', 'Expected an operator after "userName" at position 9, found end of filter'],
      ['userName xx "a"', 'Expected an operator after "userName" at position 10, found "xx"'],
      ['userName eq', 'Expected a value after "eq" at position 12, found end of filter'],
      ['userName eq bjensen', 'Expected a value after "eq" at position 13, found "bjensen"'],
      ['userName eq "x" userName eq "y"', 'Expected "and", "or" or end of filter at position 17'],
      [
        'userName eq "x" and',
        'Expected an attribute path, "(" or "not (" at position 20, found end of filter',
      ],
      ['(userName pr', 'Expected ")" to close the "(" at position 1, found end of filter at position 13'],
      ['userName pr)', 'Expected "and", "or" or end of filter at position 12, found ")"'],
      ['()', 'Expected an attribute path, "(" or "not (" at position 2, found ")"'],
      ['not userName pr', 'Expected "(" after "not" at position 5'],
      [
        'emails[type eq "work"',
        'Expected "]" to close the "[" at position 7, found end of filter at position 22',
      ],
      [
        'emails[type eq "work" and x[y pr]]',
        'Value paths cannot be nested: "[" at position 28 is inside the "[" at position 7',
      ],
      ['emails[type eq "work"]. eq "x"', 'Expected a sub-attribute name after "." at position 24'],
      ['emails[type eq "work"].value', 'Expected an operator after "emails[…].value" at position 29'],
      ['name.givenName[x pr]', 'must follow an attribute, not the sub-attribute "name.givenName"'],
      ['userName eq "abc', 'Unterminated string starting at position 13'],
      ['userName eq "a\\qb"', 'Invalid escape sequence "\\q" at position 15'],
      ['userName eq "\\u12G4"', 'Invalid escape sequence "\\u12G4" at position 14'],
      ["userName eq 'x'", 'Unexpected character "\'" at position 13: string values must be in double quotes'],
      ['userName eq 01', 'Invalid number "01" at position 13'],
      ['userName eq 1.', 'Invalid number "1." at position 13'],
      ['userName eq 12abc', 'Invalid number "12abc" at position 13'],
      ['userName eq -', 'Invalid number "-" at position 13'],
      ['userName eq 1e999', 'Number 1e999 at position 13 is out of range'],
      ['userName eq "x" & b pr', 'Unexpected character "&" at position 17'],
      ['members.$ref eq "x"', 'Unexpected character "$" at position 9'],
      ['a.b.c eq "x"', 'Invalid attribute path "a.b.c" at position 1: at most one sub-attribute'],
      ['name. eq "x"', 'Invalid attribute path "name." at position 1'],
      [
        'urn:foo: eq "x"',
        'Invalid attribute path "urn:foo:" at position 1: an attribute name must follow the schema URI',
      ],
      ['a eq "x" or b-- ', 'Expected an operator after "b--" at position 17'],
      ['', 'The filter is empty'],
      ['   ', 'The filter is empty'],
    ])('rejects %j with "%s"', (text, fragment) => {
      const sut = errorOf(() => parseFilter(text));
      expect(sut.status).toBe(400);
      expect(sut.scimType).toBe('invalidFilter');
      expect(sut.detail).toContain(fragment);
    });

    it('rejects a value that is not a string', () => {
      const sut = errorOf(() => parseFilter(['a', 'b'] as unknown as string));
      expect(sut.detail).toBe('The filter must be a single string');
    });
  });

  describe('limits', () => {
    const ofLength = (n: number) => `a eq "${'x'.repeat(n - 7)}"`;

    it('accepts a filter of exactly the default maximum length (4096)', () => {
      expect(parseFilter(ofLength(4096))).toMatchObject({ kind: 'compare' });
    });

    it('rejects a filter longer than the default maximum length', () => {
      const sut = errorOf(() => parseFilter(ofLength(4097)));
      expect(sut.scimType).toBe('invalidFilter');
      expect(sut.detail).toBe('The filter is 4097 characters long; the maximum is 4096');
    });

    it('keeps the default when an option is undefined', () => {
      expect(errorOf(() => parseFilter(ofLength(4097), { maxLength: undefined })).scimType).toBe(
        'invalidFilter',
      );
    });

    it('honours a custom maxLength', () => {
      expect(errorOf(() => parseFilter('userName pr', { maxLength: 5 })).detail).toContain(
        'the maximum is 5',
      );
    });

    it('accepts nesting up to the default maximum depth (32)', () => {
      expect(parseFilter(`${'('.repeat(32)}a pr${')'.repeat(32)}`)).toEqual(pr('a'));
    });

    it('rejects nesting deeper than the default maximum depth', () => {
      const sut = errorOf(() => parseFilter(`${'('.repeat(33)}a pr${')'.repeat(33)}`));
      expect(sut.scimType).toBe('invalidFilter');
      expect(sut.detail).toBe('The filter nests deeper than 32 levels at position 33');
    });

    it('counts not and value paths towards the depth', () => {
      const sut = errorOf(() => parseFilter('not (not (emails[type pr])))', { maxDepth: 2 }));
      expect(sut.detail).toContain('nests deeper than 2 levels at position 17');
    });
  });

  describe('unquoted values (bareValues: Entra legacy filters, entra.md §4.3, §4.17)', () => {
    const sut = (text: string) => parseFilter(text, { bareValues: true });

    it('takes an unquoted word as a string', () => {
      expect(sut('externalId eq jyoung')).toEqual(eq('externalId', 'jyoung'));
    });

    it('takes an unquoted GUID that starts with digits as a string, in an "and"', () => {
      expect(
        sut('id eq 354959c4-ed0b-4a61-a60f-07a7ed4c45a8 and manager eq 2819c223-7f76-453a-919d-413861904646'),
      ).toEqual({
        kind: 'and',
        left: eq('id', '354959c4-ed0b-4a61-a60f-07a7ed4c45a8'),
        right: eq('manager', '2819c223-7f76-453a-919d-413861904646'),
      });
    });

    it('keeps a run of characters up to a bracket or parenthesis (user@contoso.com)', () => {
      expect(sut('(userName eq jyoung@contoso.com)')).toEqual(eq('userName', 'jyoung@contoso.com'));
    });

    it('still reads numbers, literals and quoted strings as without the option', () => {
      expect(sut('a eq -1.5e3 or b eq TRUE or c eq null or d eq "x y"')).toEqual(
        parseFilter('a eq -1.5e3 or b eq TRUE or c eq null or d eq "x y"'),
      );
    });

    it('does not take "and" as a value', () => {
      expect(errorOf(() => sut('userName eq and')).detail).toContain('Expected a value after "eq"');
    });

    it('is off by default: an unquoted value is 400 invalidFilter', () => {
      expect(errorOf(() => parseFilter('externalId eq jyoung')).scimType).toBe('invalidFilter');
    });
  });
});

describe(parseAttributePath.name, () => {
  it('parses a plain attribute', () => {
    expect(parseAttributePath('userName')).toEqual(p('userName'));
  });

  it('parses a sub-attribute', () => {
    expect(parseAttributePath('name.givenName')).toEqual(p('name', 'givenName'));
  });

  it('parses a URN-qualified sub-attribute', () => {
    expect(parseAttributePath(`${ENTERPRISE}:manager.value`)).toEqual(p('manager', 'value', ENTERPRISE));
  });

  it('trims surrounding whitespace', () => {
    expect(parseAttributePath(' title ')).toEqual(p('title'));
  });

  it.each([
    ['', 'The attribute path is empty'],
    ['a.b.c', 'at most one sub-attribute'],
    ['1abc', 'attribute names start with a letter'],
    ['emails[type eq "work"]', 'attribute names start with a letter'],
    [`${ENTERPRISE}:`, 'an attribute name must follow the schema URI'],
  ])('rejects %j as invalidPath', (text, fragment) => {
    const sut = errorOf(() => parseAttributePath(text));
    expect(sut.scimType).toBe('invalidPath');
    expect(sut.detail).toContain(fragment);
  });

  it('uses the requested scimType', () => {
    expect(errorOf(() => parseAttributePath('a..b', 'invalidValue')).scimType).toBe('invalidValue');
  });
});

describe(parsePatchPath.name, () => {
  it('parses an attribute path', () => {
    expect(parsePatchPath(`${ENTERPRISE}:manager`)).toEqual({ path: p('manager', undefined, ENTERPRISE) });
  });

  it('parses a value path', () => {
    expect(parsePatchPath('members[value eq "2819c223"]')).toEqual({
      path: p('members'),
      filter: eq('value', '2819c223'),
    });
  });

  it('parses a value path followed by a sub-attribute', () => {
    expect(parsePatchPath('emails[type eq "work"].value')).toEqual({
      path: p('emails'),
      filter: eq('type', 'work'),
      subAttr: 'value',
    });
  });

  it('reports a malformed path as invalidPath', () => {
    const sut = errorOf(() => parsePatchPath('emails[type eq "work"] x'));
    expect(sut.scimType).toBe('invalidPath');
    expect(sut.detail).toContain('Expected end of path at position 24');
  });

  it('reports a malformed value filter as invalidFilter', () => {
    const sut = errorOf(() => parsePatchPath('emails[type xx "work"]'));
    expect(sut.scimType).toBe('invalidFilter');
    expect(sut.detail).toContain('Expected an operator after "type"');
  });

  it('reports an empty path as invalidPath', () => {
    expect(errorOf(() => parsePatchPath('')).scimType).toBe('invalidPath');
  });
});
