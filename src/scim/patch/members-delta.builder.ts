import { ScimError } from '../errors';
import { CompareNode, FilterNode } from '../filter/filter.ast';
import { findKey, isObject } from './json-value.util';
import { MemberRef, MembersDelta } from './patch.types';

/**
 * Folds a request's member operations into one MembersDelta. The store applies removeAll, then remove, then
 * add; each fold step keeps that order equivalent to applying the operations one after the other:
 * adding X cancels an earlier removal of X, removing X cancels an earlier addition of X, removing all
 * discards everything before it.
 */
export class MembersDeltaBuilder {
  private readonly added = new Map<string, MemberRef>();
  private readonly removed = new Set<string>();
  private all = false;

  add(member: MemberRef): void {
    this.removed.delete(member.value);
    // Adding a member twice is idempotent (docs/entra.md §8: duplicates must not fail).
    if (!this.added.has(member.value)) this.added.set(member.value, member);
  }

  remove(id: string): void {
    this.added.delete(id);
    this.removed.add(id);
  }

  removeAll(): void {
    this.all = true;
    this.added.clear();
    this.removed.clear();
  }

  isEmpty(): boolean {
    return !this.all && this.added.size === 0 && this.removed.size === 0;
  }

  build(): MembersDelta {
    return { add: [...this.added.values()], remove: [...this.removed], removeAll: this.all };
  }
}

/**
 * The members listed in an operation value: an array of `{value, type?, display?, $ref?}` (one object alone is
 * accepted too). `$ref` is ignored — Entra sends `"$ref": null` (docs/entra.md §4.13) — and so is `display`'s
 * readOnly-ness: it is kept as a hint for the store. A bare id string is accepted as `{value: id}`.
 */
export function parseMemberList(value: unknown, where: string): MemberRef[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items
    .filter((item) => item !== null && item !== undefined)
    .map((item, i) => {
      const at = `${where}[${i}]`;
      if (typeof item === 'string') {
        if (item === '') throw ScimError.invalidValue(`${at} must be a non-empty member id`);
        return { value: item };
      }
      if (!isObject(item)) {
        throw ScimError.invalidValue(`${at} must be an object such as {"value": "<member id>"}`);
      }
      const valueKey = findKey(item, 'value');
      const id = valueKey === undefined ? undefined : item[valueKey];
      if (typeof id !== 'string' || id === '') {
        throw ScimError.invalidValue(`${at}.value must be the member's id, a non-empty string`);
      }
      const member: MemberRef = { value: id };
      const typeKey = findKey(item, 'type');
      const type = typeKey === undefined ? undefined : item[typeKey];
      if (typeof type === 'string' && type !== '') member.type = type;
      else if (type !== undefined && type !== null)
        throw ScimError.invalidValue(`${at}.type must be a string`);
      const displayKey = findKey(item, 'display');
      const display = displayKey === undefined ? undefined : item[displayKey];
      if (typeof display === 'string' && display !== '') member.display = display;
      return member;
    });
}

/**
 * The ids selected by a members value filter: `value eq "id"`, or several joined by `or`
 * (`members[value eq "a" or value eq "b"]`). Anything else is undefined: the members are not in the
 * document, so no other condition can be evaluated here.
 */
export function memberIdsFromFilter(filter: FilterNode): string[] | undefined {
  if (filter.kind === 'or') {
    const left = memberIdsFromFilter(filter.left);
    const right = memberIdsFromFilter(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  if (filter.kind !== 'compare') return undefined;
  const node: CompareNode = filter;
  const isValue =
    node.path.uri === undefined && node.path.sub === undefined && node.path.attr.toLowerCase() === 'value';
  return isValue && node.op === 'eq' && typeof node.value === 'string' ? [node.value] : undefined;
}
