import { parseFilter } from '../filter/filter.parser';
import { AttributeDefinition } from '../schema/attribute-definition';
import { createDefaultRegistry } from '../schema/core-schemas';
import { matchesValueFilter } from './value-filter.matcher';

const registry = createDefaultRegistry();
const emails = registry.resolve('User', 'emails')!.attribute;
const roles = registry.resolve('User', 'roles')!.attribute;

const date: AttributeDefinition = {
  name: 'events',
  type: 'complex',
  multiValued: true,
  description: '',
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
  subAttributes: [
    { ...emails.subAttributes![0], name: 'at', type: 'dateTime' },
    { ...emails.subAttributes![0], name: 'count', type: 'integer' },
    { ...emails.subAttributes![0], name: 'code', caseExact: true },
  ],
};
const tags: AttributeDefinition = { ...emails, name: 'tags', type: 'string', subAttributes: undefined };

function sut(filter: string, element: unknown, attribute: AttributeDefinition = emails): boolean {
  return matchesValueFilter(parseFilter(filter), element, attribute);
}

describe(matchesValueFilter.name, () => {
  const work = { value: 'Bjensen@Example.com', type: 'work', primary: true };

  it.each([
    ['type eq "work"', true],
    ['type eq "WORK"', true],
    ['type eq "home"', false],
    ['type ne "home"', true],
    ['value co "example"', true],
    ['value sw "bjensen"', true],
    ['value ew ".COM"', true],
    ['value ew ".org"', false],
    ['type pr', true],
    ['display pr', false],
    ['display eq null', true],
    ['type ne null', true],
    ['display ne "x"', true],
    ['primary eq true', true],
    ['primary eq "True"', true],
    ['primary eq "false"', false],
    ['primary gt true', false],
    ['type eq "work" and value ew "example.com"', true],
    ['type eq "home" or primary eq true', true],
    ['not (type eq "work")', false],
    ['type gt "home" and type lt "zzz"', true],
    ['value eq 42', false],
  ])('%s → %p', (filter, expected) => {
    expect(sut(filter, work)).toBe(expected);
  });

  it('matches a stored "True" string too (lenient data)', () => {
    expect(sut('primary eq true', { primary: 'True' }, roles)).toBe(true);
  });

  it('compares caseExact sub-attributes exactly', () => {
    expect(sut('code eq "AbC"', { code: 'AbC' }, date)).toBe(true);
    expect(sut('code eq "abc"', { code: 'AbC' }, date)).toBe(false);
  });

  it('compares integers numerically and dateTimes chronologically', () => {
    expect(sut('count gt 9', { count: 10 }, date)).toBe(true);
    expect(sut('count le 9', { count: 10 }, date)).toBe(false);
    expect(sut('at gt "2024-01-01T00:00:00+01:00"', { at: '2024-01-01T00:00:00.000Z' }, date)).toBe(true);
    expect(sut('at eq "2024-01-01T01:00:00+01:00"', { at: '2024-01-01T00:00:00.000Z' }, date)).toBe(true);
  });

  it('addresses the element itself as "value" for a multi-valued simple attribute', () => {
    expect(sut('value eq "A"', 'a', tags)).toBe(true);
    expect(sut('value eq "b"', 'a', tags)).toBe(false);
    expect(sut('type eq "a"', 'a', tags)).toBe(false);
  });

  it('never matches (and never throws on) elements that are not objects', () => {
    expect(sut('type eq "work"', null)).toBe(false);
    expect(sut('type eq "work"', 'work')).toBe(false);
    expect(sut('type ne "work"', 42)).toBe(false);
  });

  it('matches unknown sub-attributes as absent', () => {
    expect(sut('nope eq "x"', work)).toBe(false);
  });
});
