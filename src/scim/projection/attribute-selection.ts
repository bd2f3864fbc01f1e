import { AttributeDefinition } from '../schema/attribute-definition';
import { extensionStorageKey, SchemaRegistry } from '../schema/schema.registry';
import { parseUndeclaredExtensionPath } from '../schema/undeclared-extension';

/**
 * What RFC 7644 §3.9 `attributes` / `excludedAttributes` select, combined with RFC 7643 §2.4 "returned": the
 * decisions behind a projection, per top-level attribute and sub-attribute. Shared by wantsAttribute (which
 * lookups a response needs) and the projection compiler (which decides once per selection, not per resource).
 */

/** What a list of attribute paths designates, keyed by storage scope ('' = core, else the extension's field). */
export interface Selector {
  scope: string;
  /** Lower-cased top-level attribute name; undefined = the whole scope (a URN alone). */
  top?: string;
  /** Lower-cased sub-attribute name. */
  sub?: string;
}

/** Of one top-level attribute: all returnable sub-attributes, only these (lower-cased), or none (undefined). */
export type Selection = 'all' | Set<string> | undefined;

const lower = (s: string) => s.toLowerCase();

function toSelector(registry: SchemaRegistry, resourceType: string, path: string): Selector | undefined {
  const split = registry.splitUrn(resourceType, path);
  if (split) {
    const scope = split.isExtension ? extensionStorageKey(split.schema.id) : '';
    if (split.rest === '') return { scope };
    const resolved = registry.resolve(resourceType, path);
    if (!resolved) return undefined;
    const [top, sub] = split.isExtension ? resolved.storagePath.slice(1) : resolved.storagePath;
    return { scope, top: lower(top), sub: sub === undefined ? undefined : lower(sub) };
  }
  const dynamic = parseUndeclaredExtensionPath(registry, resourceType, path);
  if (!dynamic) return undefined;
  return { scope: dynamic.storageKey, top: dynamic.attributeName && lower(dynamic.attributeName) };
}

export class AttributeSelection {
  private readonly include?: Selector[];
  private readonly exclude: Selector[];

  constructor(registry: SchemaRegistry, resourceType: string, attributes?: string[], excluded?: string[]) {
    const resolve = (paths: string[]) =>
      paths.map((p) => toSelector(registry, resourceType, p.trim())).filter((s): s is Selector => !!s);
    // An empty `attributes` list requests nothing in particular: the default set is returned. A list of only
    // unknown names resolves to no selector at all: RFC 7644 §3.9 says `attributes` overrides the default set,
    // so only the attributes returned "always" (id, schemas, …) are left — never the full resource.
    this.include = attributes && attributes.length > 0 ? resolve(attributes) : undefined;
    this.exclude = excluded ? resolve(excluded) : [];
  }

  /** Which sub-attributes of `top` were asked for: all of them, some, or none (undefined). */
  private requested(scope: string, top: string): Selection {
    if (!this.include) return undefined;
    const subs = new Set<string>();
    for (const s of this.include) {
      if (s.scope !== scope) continue;
      if (s.top === undefined || (s.top === top && s.sub === undefined)) return 'all';
      if (s.top === top && s.sub !== undefined) subs.add(s.sub);
    }
    return subs.size > 0 ? subs : undefined;
  }

  private excludedWhole(scope: string, top: string): boolean {
    return this.exclude.some((s) => s.scope === scope && (s.top === undefined || (s.top === top && !s.sub)));
  }

  private excludedSub(scope: string, top: string, sub: string): boolean {
    return this.exclude.some((s) => s.scope === scope && s.top === top && s.sub === sub);
  }

  /**
   * RFC 7643 §2.4 + RFC 7644 §3.9 for a top-level attribute: undefined = leave out; 'all' = with every
   * returnable sub-attribute; a set = only those sub-attributes (plus the "always" ones).
   */
  topLevel(scope: string, definition: AttributeDefinition): Selection {
    if (definition.returned === 'never') return undefined;
    if (definition.returned === 'always') return 'all';
    const top = lower(definition.name);
    if (this.include) return this.requested(scope, top);
    if (definition.returned === 'request') return undefined;
    return this.excludedWhole(scope, top) ? undefined : 'all';
  }

  subAttribute(
    scope: string,
    parent: AttributeDefinition,
    sub: AttributeDefinition,
    selection: Selection,
  ): boolean {
    if (sub.returned === 'never') return false;
    if (sub.returned === 'always') return true;
    const top = lower(parent.name);
    const name = lower(sub.name);
    if (selection instanceof Set) return selection.has(name);
    if (sub.returned === 'request') return false;
    return !this.excludedSub(scope, top, name);
  }

  /**
   * topLevel() for the attributes of undeclared extensions (undeclared-extension.ts), whose names are only
   * known per document: each is a string returned by default, so only the selectors of its scope matter.
   * Returns a test of (storage key, attribute name) that reads precomputed sets instead of every selector,
   * or undefined when `attributes` names no undeclared extension, so that none can be returned.
   */
  undeclaredAttributeTest(
    declaredKeys: ReadonlySet<string>,
  ): ((scope: string, name: string) => boolean) | undefined {
    const byScope = new Map<string, { whole: boolean; tops: Set<string> }>();
    const add = (s: Selector) => {
      let rule = byScope.get(s.scope);
      if (!rule) byScope.set(s.scope, (rule = { whole: false, tops: new Set() }));
      if (s.top === undefined) rule.whole = true;
      else rule.tops.add(s.top);
    };
    if (this.include) {
      // requested() is defined as soon as one selector names the scope, the attribute, or one of its subs.
      // The core ('') and declared scopes are never asked about.
      for (const s of this.include) if (s.scope !== '' && !declaredKeys.has(s.scope)) add(s);
      if (byScope.size === 0) return undefined;
      return (scope, name) => {
        const rule = byScope.get(scope);
        return rule !== undefined && (rule.whole || rule.tops.has(lower(name)));
      };
    }
    // excludedWhole(): the scope, or the attribute itself (an excluded sub-attribute removes nothing here).
    for (const s of this.exclude) if (s.top === undefined || !s.sub) add(s);
    return (scope, name) => {
      const rule = byScope.get(scope);
      return rule === undefined || !(rule.whole || rule.tops.has(lower(name)));
    };
  }
}
