import { createDefaultRegistry } from '../schema/core-schemas';
import { applyPatch } from './patch.engine';
import { expectScimError, group, patchBody } from './patch-test.fixtures';

/** Group members as a membership delta (architecture.md §3; docs/entra.md §4.13, §4.14, §8). */
const registry = createDefaultRegistry();
const patchGroup = (...ops: unknown[]) => applyPatch(registry, 'Group', group(), patchBody(...ops));

describe(`${applyPatch.name} on group members`, () => {
  it('never puts members into the resource', () => {
    const sut = patchGroup({ op: 'add', path: 'members', value: [{ value: 'u1' }] });
    expect(sut.resource).toEqual(group());
  });

  it('keeps type and display of added members, drops $ref', () => {
    const sut = patchGroup({
      op: 'add',
      path: 'members',
      value: [{ value: 'g1', type: 'Group', display: 'Nested', $ref: 'https://x/Groups/g1' }],
    });
    expect(sut.members?.add).toEqual([{ value: 'g1', type: 'Group', display: 'Nested' }]);
  });

  it('accepts one member object instead of an array', () => {
    expect(patchGroup({ op: 'add', path: 'members', value: { value: 'u1' } }).members?.add).toEqual([
      { value: 'u1' },
    ]);
  });

  it('accepts members in a path-less add', () => {
    const sut = patchGroup({ op: 'add', value: { members: [{ value: 'u1' }], displayName: 'New name' } });
    expect(sut.members?.add).toEqual([{ value: 'u1' }]);
    expect(sut.resource.displayName).toBe('New name');
    expect(sut.changed.sort()).toEqual(['displayName', 'members']);
  });

  it('path-less replace of members replaces them all', () => {
    const sut = patchGroup({ op: 'replace', value: { members: [{ value: 'u1' }] } });
    expect(sut.members).toEqual({ add: [{ value: 'u1' }], remove: [], removeAll: true });
  });

  it('replace with an empty list removes all members', () => {
    expect(patchGroup({ op: 'replace', path: 'members', value: [] }).members).toEqual({
      add: [],
      remove: [],
      removeAll: true,
    });
  });

  it('removes several members selected with or', () => {
    const sut = patchGroup({ op: 'remove', path: 'members[value eq "a" or value eq "b"]' });
    expect(sut.members?.remove).toEqual(['a', 'b']);
  });

  it('remove with an empty value list removes nobody (never all)', () => {
    expect(patchGroup({ op: 'remove', path: 'members', value: [] }).members).toEqual({
      add: [],
      remove: [],
      removeAll: false,
    });
  });

  it('a later remove cancels an earlier add, and a later add an earlier remove', () => {
    const sut = patchGroup(
      { op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
      { op: 'remove', path: 'members[value eq "a"]' },
      { op: 'remove', path: 'members', value: [{ value: 'c' }] },
      { op: 'add', path: 'members', value: [{ value: 'c' }] },
    );
    expect(sut.members).toEqual({ add: [{ value: 'b' }, { value: 'c' }], remove: ['a'], removeAll: false });
  });

  it('remove-all discards earlier member operations', () => {
    const sut = patchGroup(
      { op: 'add', path: 'members', value: [{ value: 'a' }] },
      { op: 'remove', path: 'members[value eq "b"]' },
      { op: 'remove', path: 'members' },
      { op: 'add', path: 'members', value: [{ value: 'c' }] },
    );
    expect(sut.members).toEqual({ add: [{ value: 'c' }], remove: [], removeAll: true });
  });

  it('reports no change for an operation list that adds nobody', () => {
    const sut = patchGroup({ op: 'add', path: 'members', value: [] });
    expect(sut.members).toEqual({ add: [], remove: [], removeAll: false });
    expect(sut.changed).toEqual([]);
  });

  it('handles a large member list in one operation', () => {
    const value = Array.from({ length: 5000 }, (_, i) => ({ value: `u${i}`, $ref: null }));
    expect(patchGroup({ op: 'Add', path: 'members', value }).members?.add).toHaveLength(5000);
  });

  it.each([
    ['a sub-attribute path', { op: 'replace', path: 'members.display', value: 'x' }, 'invalidPath'],
    [
      'a value path with a sub-attribute',
      { op: 'remove', path: 'members[value eq "a"].display' },
      'invalidPath',
    ],
    ['a filter on another sub-attribute', { op: 'remove', path: 'members[display eq "a"]' }, 'invalidPath'],
    ['a filter with another operator', { op: 'remove', path: 'members[value sw "a"]' }, 'invalidPath'],
    ['add by value path', { op: 'add', path: 'members[value eq "a"]', value: { value: 'a' } }, 'invalidPath'],
    [
      'replace by value path',
      { op: 'replace', path: 'members[value eq "a"]', value: { value: 'b' } },
      'invalidPath',
    ],
    ['a member without value', { op: 'add', path: 'members', value: [{ display: 'x' }] }, 'invalidValue'],
    ['a member with an empty value', { op: 'add', path: 'members', value: [{ value: '' }] }, 'invalidValue'],
    ['a member that is a number', { op: 'add', path: 'members', value: [42] }, 'invalidValue'],
    [
      'a member with a non-string type',
      { op: 'add', path: 'members', value: [{ value: 'a', type: 1 }] },
      'invalidValue',
    ],
  ])('%s → 400', (_name, operation, scimType) => {
    expectScimError(() => patchGroup(operation), 400, scimType as never);
  });
});
