import { ScimError } from '../errors';
import { AttributeDefinition, AttributeType } from './attribute-definition';
import { coerceElement, coerceValue } from './coerce';
import {
  ENTERPRISE_USER_SCHEMA_DEFINITION,
  GROUP_SCHEMA_DEFINITION,
  USER_SCHEMA_DEFINITION,
} from './core-schemas';
import { findAttribute } from './schema.registry';

const simple = (type: AttributeType, extra: Partial<AttributeDefinition> = {}): AttributeDefinition => ({
  name: 'x',
  type,
  multiValued: false,
  description: '',
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  ...extra,
});
const user = (name: string) => findAttribute(USER_SCHEMA_DEFINITION.attributes, name)!;
const manager = findAttribute(ENTERPRISE_USER_SCHEMA_DEFINITION.attributes, 'manager')!;
const members = findAttribute(GROUP_SCHEMA_DEFINITION.attributes, 'members')!;

function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

function expectInvalidValue(fn: () => unknown, detail: RegExp): void {
  const error = scimError(fn);
  expect({ status: error.status, scimType: error.scimType }).toEqual({
    status: 400,
    scimType: 'invalidValue',
  });
  expect(error.detail).toMatch(detail);
}

describe(coerceValue.name, () => {
  describe('null', () => {
    it('returns null for null', () => {
      expect(coerceValue(simple('string'), null, 'x')).toBeNull();
    });

    it('returns null for undefined', () => {
      expect(coerceValue(user('emails'), undefined, 'emails')).toBeNull();
    });
  });

  describe('string', () => {
    it('keeps a string as sent', () => {
      expect(coerceValue(simple('string'), ' Ab ', 'x')).toBe(' Ab ');
    });

    it('turns a finite number into its text', () => {
      expect(coerceValue(simple('string'), 42, 'employeeNumber')).toBe('42');
    });

    it('refuses a number when lenientNumbers is off', () => {
      expectInvalidValue(
        () => coerceValue(simple('string'), 42, 'x', { lenientNumbers: false }),
        /'x' must be a string/,
      );
    });

    it('refuses a boolean', () => {
      expectInvalidValue(
        () => coerceValue(simple('string'), true, 'title'),
        /'title' must be a string; got true/,
      );
    });

    it('refuses an object', () => {
      expectInvalidValue(() => coerceValue(simple('string'), { a: 1 }, 'title'), /'title' must be a string/);
    });
  });

  describe('boolean', () => {
    it('keeps true and false', () => {
      expect([
        coerceValue(simple('boolean'), true, 'active'),
        coerceValue(simple('boolean'), false, 'active'),
      ]).toEqual([true, false]);
    });

    it.each([
      ['True', true],
      ['FALSE', false],
      ['true', true],
      [' false ', false],
    ])('accepts Entra string %p', (raw, expected) => {
      expect(coerceValue(simple('boolean'), raw, 'active')).toBe(expected);
    });

    it('refuses "True" when lenientBooleans is off', () => {
      expectInvalidValue(
        () => coerceValue(simple('boolean'), 'True', 'active', { lenientBooleans: false }),
        /'active' must be a boolean/,
      );
    });

    it('refuses other strings', () => {
      expectInvalidValue(
        () => coerceValue(simple('boolean'), 'yes', 'active'),
        /'active' must be a boolean.*"yes"/,
      );
    });

    it('refuses numbers', () => {
      expectInvalidValue(() => coerceValue(simple('boolean'), 1, 'active'), /must be a boolean/);
    });
  });

  describe('integer', () => {
    it('keeps an integer', () => {
      expect(coerceValue(simple('integer'), -7, 'n')).toBe(-7);
    });

    it('accepts an integer string', () => {
      expect(coerceValue(simple('integer'), '25', 'n')).toBe(25);
    });

    it('refuses a fraction', () => {
      expectInvalidValue(() => coerceValue(simple('integer'), 2.5, 'n'), /'n' must be an integer/);
    });

    it('refuses a fractional string', () => {
      expectInvalidValue(() => coerceValue(simple('integer'), '2.5', 'n'), /must be an integer/);
    });

    it('refuses an unsafe integer', () => {
      expectInvalidValue(() => coerceValue(simple('integer'), 2 ** 60, 'n'), /must be an integer/);
    });

    it('refuses a numeric string when lenientNumbers is off', () => {
      expectInvalidValue(
        () => coerceValue(simple('integer'), '25', 'n', { lenientNumbers: false }),
        /must be an integer/,
      );
    });
  });

  describe('decimal', () => {
    it('keeps a decimal', () => {
      expect(coerceValue(simple('decimal'), 1.5, 'd')).toBe(1.5);
    });

    it('accepts a decimal string with exponent', () => {
      expect(coerceValue(simple('decimal'), '1.5e2', 'd')).toBe(150);
    });

    it('refuses text', () => {
      expectInvalidValue(() => coerceValue(simple('decimal'), 'abc', 'd'), /'d' must be a decimal number/);
    });

    it('refuses Infinity', () => {
      expectInvalidValue(() => coerceValue(simple('decimal'), Infinity, 'd'), /must be a decimal/);
    });
  });

  describe('dateTime', () => {
    it('normalizes an offset to UTC ISO form', () => {
      expect(coerceValue(simple('dateTime'), '2024-05-01T14:00:00+02:00', 't')).toBe(
        '2024-05-01T12:00:00.000Z',
      );
    });

    it('takes a dateTime without zone as UTC', () => {
      expect(coerceValue(simple('dateTime'), '2024-05-01T12:00:00', 't')).toBe('2024-05-01T12:00:00.000Z');
    });

    it('keeps fractional seconds', () => {
      expect(coerceValue(simple('dateTime'), '2024-05-01T12:00:00.25Z', 't')).toBe(
        '2024-05-01T12:00:00.250Z',
      );
    });

    it('accepts a Date', () => {
      expect(coerceValue(simple('dateTime'), new Date(0), 't')).toBe('1970-01-01T00:00:00.000Z');
    });

    it('refuses February 30th', () => {
      expectInvalidValue(
        () => coerceValue(simple('dateTime'), '2024-02-30T00:00:00Z', 'meta.created'),
        /'meta.created' must be an xsd:dateTime/,
      );
    });

    it('refuses a date without time', () => {
      expectInvalidValue(() => coerceValue(simple('dateTime'), '2024-05-01', 't'), /xsd:dateTime/);
    });

    it('refuses free text', () => {
      expectInvalidValue(() => coerceValue(simple('dateTime'), 'yesterday', 't'), /xsd:dateTime/);
    });

    it('refuses a number', () => {
      expectInvalidValue(() => coerceValue(simple('dateTime'), 1700000000, 't'), /xsd:dateTime/);
    });
  });

  describe('binary', () => {
    it('keeps padded base64', () => {
      expect(coerceValue(simple('binary'), 'TWFu+/8=', 'b')).toBe('TWFu+/8=');
    });

    it('refuses base64url characters', () => {
      expectInvalidValue(() => coerceValue(simple('binary'), 'TWFu-_8=', 'b'), /'b' must be base64/);
    });

    it('refuses a wrong length', () => {
      expectInvalidValue(() => coerceValue(simple('binary'), 'TWF', 'b'), /base64/);
    });
  });

  describe('reference', () => {
    it('keeps a string without checking its form', () => {
      expect(coerceValue(simple('reference'), 'not a uri', 'r')).toBe('not a uri');
    });

    it('refuses an object', () => {
      expectInvalidValue(() => coerceValue(simple('reference'), {}, 'r'), /'r' must be a string/);
    });
  });

  describe('complex', () => {
    it('maps sub-attribute names to their canonical case', () => {
      expect(coerceValue(user('name'), { GIVENNAME: 'Ann', familyname: 'Lee' }, 'name')).toEqual({
        givenName: 'Ann',
        familyName: 'Lee',
      });
    });

    it('refuses an unknown sub-attribute', () => {
      expectInvalidValue(
        () => coerceValue(user('name'), { nick: 'A' }, 'name'),
        /'name' has no sub-attribute 'nick'/,
      );
    });

    it('drops null sub-attributes', () => {
      expect(coerceValue(user('name'), { givenName: 'A', familyName: null }, 'name')).toEqual({
        givenName: 'A',
      });
    });

    it('returns null when nothing is left', () => {
      expect(coerceValue(user('name'), { givenName: null }, 'name')).toBeNull();
    });

    it('refuses a string for a complex attribute without value sub-attribute', () => {
      expectInvalidValue(
        () => coerceValue(user('name'), 'Ann Lee', 'name'),
        /'name' must be a complex value/,
      );
    });

    it('coerces sub-attribute types with the sub-attribute path in errors', () => {
      expectInvalidValue(
        () => coerceValue(user('emails'), [{ value: 'a@b' }, { value: 'c@d', primary: 'maybe' }], 'emails'),
        /'emails\[1\]\.primary' must be a boolean/,
      );
    });

    it('keeps readOnly sub-attributes by default', () => {
      expect(coerceValue(manager, { value: 'm1', displayName: 'Boss' }, 'manager')).toEqual({
        value: 'm1',
        displayName: 'Boss',
      });
    });

    it('drops readOnly sub-attributes when asked', () => {
      expect(
        coerceValue(manager, { value: 'm1', displayName: 'Boss' }, 'manager', { ignoreReadOnly: true }),
      ).toEqual({
        value: 'm1',
      });
    });
  });

  describe('multi-valued', () => {
    it('wraps a single element into an array', () => {
      expect(coerceValue(user('emails'), { value: 'a@b', Primary: 'True' }, 'emails')).toEqual([
        { value: 'a@b', primary: true },
      ]);
    });

    it('drops null elements', () => {
      expect(coerceValue(user('emails'), [null, { value: 'a@b' }], 'emails')).toEqual([{ value: 'a@b' }]);
    });

    it('keeps an empty array empty', () => {
      expect(coerceValue(user('roles'), [], 'roles')).toEqual([]);
    });

    it('refuses a bare string element', () => {
      expectInvalidValue(
        () => coerceValue(user('emails'), ['a@b'], 'emails'),
        /'emails\[0\]' must be a complex value/,
      );
    });

    it('drops a member whose only sub-attribute is a null $ref', () => {
      expect(coerceValue(members, [{ $ref: null }, { $ref: null, value: 'u1' }], 'members')).toEqual([
        { value: 'u1' },
      ]);
    });
  });

  describe('manager (single-valued complex with value)', () => {
    it('accepts a bare id', () => {
      expect(coerceValue(manager, 'm1', 'manager')).toEqual({ value: 'm1' });
    });

    it('accepts {value}', () => {
      expect(coerceValue(manager, { Value: 'm1' }, 'manager')).toEqual({ value: 'm1' });
    });

    it('accepts the legacy one-element array', () => {
      expect(coerceValue(manager, [{ $ref: 'http://x/Users/m1', value: 'm1' }], 'manager')).toEqual({
        value: 'm1',
        $ref: 'http://x/Users/m1',
      });
    });

    it.each([[''], [{ value: '' }], [[]], [null]])('treats %p as no manager', (raw) => {
      expect(coerceValue(manager, raw, 'manager')).toBeNull();
    });

    it('refuses an array of two managers', () => {
      expectInvalidValue(
        () => coerceValue(manager, [{ value: 'a' }, { value: 'b' }], 'manager'),
        /'manager' must be a single complex value/,
      );
    });
  });
});

describe(coerceElement.name, () => {
  it('coerces one element of a multi-valued attribute without wrapping it', () => {
    expect(coerceElement(user('phoneNumbers'), { value: '+1', TYPE: 'work' }, 'phoneNumbers')).toEqual({
      value: '+1',
      type: 'work',
    });
  });

  it('refuses an array', () => {
    expectInvalidValue(
      () => coerceElement(user('emails'), [{ value: 'a' }], 'emails'),
      /'emails' must be a complex value/,
    );
  });
});

describe('coerce with maxStringLength', () => {
  it('refuses a longer string with 400 invalidValue naming the attribute and both lengths', () => {
    const error = scimError(() =>
      coerceValue(user('displayName'), 'x'.repeat(11), 'displayName', { maxStringLength: 10 }),
    );

    expect(error.toBody()).toMatchObject({
      status: '400',
      scimType: 'invalidValue',
      detail: "Attribute 'displayName' is 11 characters long; at most 10 are accepted",
    });
  });

  it('accepts a string of exactly the limit', () => {
    expect(coerceValue(user('displayName'), 'x'.repeat(10), 'displayName', { maxStringLength: 10 })).toBe(
      'x'.repeat(10),
    );
  });

  it('checks sub-attributes of multi-valued complex attributes, with their path', () => {
    const error = scimError(() =>
      coerceValue(user('emails'), [{ value: 'a@b.c' }, { value: 'x'.repeat(11) }], 'emails', {
        maxStringLength: 10,
      }),
    );

    expect(error.detail).toBe("Attribute 'emails[1].value' is 11 characters long; at most 10 are accepted");
  });

  it('checks binary values', () => {
    expect(() => coerceElement(simple('binary'), 'QUJD'.repeat(3), 'x', { maxStringLength: 8 })).toThrow(
      /is 12 characters long; at most 8/,
    );
  });

  it('has no limit when none is given', () => {
    expect(coerceValue(user('displayName'), 'x'.repeat(100000), 'displayName')).toHaveLength(100000);
  });
});

describe('error messages of deeply nested values', () => {
  function nested(depth: number): unknown {
    let value: unknown = 'x';
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  }

  it('refuse a 20,000-level array with a short message instead of a stack overflow', () => {
    expectInvalidValue(
      () => coerceValue(simple('string'), nested(20_000), 'title'),
      /'title' must be a string; got \[\[…\]\]$/,
    );
  });

  it('refuse an object with a readable message, not [object Object]', () => {
    const error = scimError(() => coerceValue(simple('boolean'), { a: nested(20_000) }, 'active'));
    expect(error.detail).not.toContain('[object Object]');
    expect(error.detail).toContain('{"a":[…]}');
  });
});
