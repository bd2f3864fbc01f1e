import { ENTERPRISE_USER_SCHEMA } from '../schema/schema-urns';
import {
  collectReferences,
  deferReferences,
  referencedBulkId,
  resolveReferences,
} from './bulk-id.references';

describe(referencedBulkId.name, () => {
  const sut = referencedBulkId;

  it.each([
    ['bulkId:qwerty', 'qwerty'],
    ['/Users/bulkId:qwerty', 'qwerty'],
    ['https://example.com/v2/Users/bulkId:q-1', 'q-1'],
  ])('finds the bulkId in %j', (value, bulkId) => {
    expect(sut(value)).toBe(bulkId);
  });

  it.each([
    ['qwerty'],
    ['bulkId:'],
    ['see bulkId:x here'],
    ['xbulkId:q'],
    ['bulkid:q'],
    ['/Users/bulkId:q/x'],
  ])('finds none in %j', (value) => {
    expect(sut(value)).toBeUndefined();
  });
});

describe(collectReferences.name, () => {
  it('finds references at any depth, once each', () => {
    const data = {
      members: [{ value: 'bulkId:a' }, { value: 'bulkId:b' }, { value: 'bulkId:a' }],
      x: { y: ['bulkId:c'] },
    };
    expect([...collectReferences(data)].sort()).toEqual(['a', 'b', 'c']);
  });
});

describe(resolveReferences.name, () => {
  const ids = new Map([['a', 'id-a']]);

  it('replaces resolved references and leaves the others', () => {
    expect(resolveReferences({ m: ['bulkId:a', 'bulkId:b'], r: '/Users/bulkId:a', n: 3 }, ids)).toEqual({
      m: ['id-a', 'bulkId:b'],
      r: '/Users/id-a',
      n: 3,
    });
  });

  it('keeps a __proto__ key as plain data', () => {
    const data = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const result = resolveReferences(data, ids);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(result, '__proto__')).toBe(true);
  });
});

describe(deferReferences.name, () => {
  const sut = deferReferences;
  const pending = new Set(['p']);

  it('keeps the elements of a multi-valued attribute that do not reference pending ids', () => {
    const result = sut({ displayName: 'g', members: [{ value: 'x' }, { value: 'bulkId:p' }] }, pending);
    expect(result).toEqual({
      data: { displayName: 'g', members: [{ value: 'x' }] },
      deferred: [{ path: 'members', value: [{ value: 'bulkId:p' }] }],
    });
  });

  it('moves a complex attribute as a whole', () => {
    const result = sut({ manager: { value: 'bulkId:p', displayName: 'Boss' } }, pending);
    expect(result).toEqual({
      data: {},
      deferred: [{ path: 'manager', value: { value: 'bulkId:p', displayName: 'Boss' } }],
    });
  });

  it('addresses extension attributes by urn:attribute', () => {
    const result = sut(
      { [ENTERPRISE_USER_SCHEMA]: { department: 'd', manager: { value: 'bulkId:p' } } },
      pending,
    );
    expect(result).toEqual({
      data: { [ENTERPRISE_USER_SCHEMA]: { department: 'd' } },
      deferred: [{ path: `${ENTERPRISE_USER_SCHEMA}:manager`, value: { value: 'bulkId:p' } }],
    });
  });

  it('leaves references to ids that are not pending in place', () => {
    const data = { members: [{ value: 'bulkId:done' }] };
    expect(sut(data, pending)).toEqual({ data, deferred: [] });
  });
});
