/**
 * The typed AST of a SCIM filter (RFC 7644 §3.4.2.2, Figure 1). The parser produces it once; the compiler
 * (and anything else, e.g. PATCH value-path selection) works on it, never on filter text.
 */

/** Comparison operators of RFC 7644 §3.4.2.2 Table 3, lower-cased whatever case the client used. */
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export const COMPARE_OPS: readonly CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];

/** compValue = false / null / true / number / string (RFC 7644 Figure 1). */
export type CompareValue = string | number | boolean | null;

/**
 * attrPath = [URI ":"] ATTRNAME *1subAttr (RFC 7644 Figure 1), as written by the client: names keep the
 * client's case; the schema registry matches them case-insensitively (RFC 7643 §2.1).
 */
export interface AttrPath {
  /** Schema URI prefix without the trailing colon, e.g. `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`. */
  uri?: string;
  attr: string;
  sub?: string;
}

export interface AndNode {
  kind: 'and';
  left: FilterNode;
  right: FilterNode;
}

export interface OrNode {
  kind: 'or';
  left: FilterNode;
  right: FilterNode;
}

export interface NotNode {
  kind: 'not';
  filter: FilterNode;
}

export interface CompareNode {
  kind: 'compare';
  path: AttrPath;
  op: CompareOp;
  value: CompareValue;
}

export interface PresentNode {
  kind: 'present';
  path: AttrPath;
}

/**
 * valuePath = attrPath "[" valFilter "]" (RFC 7644 Figure 1). Paths inside `filter` are relative to the
 * multi-valued attribute (`type`, not `emails.type`).
 *
 * `emails[type eq "work"].value eq "x"` (Entra's form, also the PATCH path syntax of RFC 7644 §3.5.2) is
 * represented with `subAttr: 'value'` and `filter` = `type eq "work" and value eq "x"`: both conditions must
 * hold on the same element.
 */
export interface ValuePathNode {
  kind: 'valuePath';
  path: AttrPath;
  filter: FilterNode;
  subAttr?: string;
}

export type FilterNode = AndNode | OrNode | NotNode | CompareNode | PresentNode | ValuePathNode;

/** Renders an attribute path the way a client would write it (for error messages). */
export function formatAttrPath(path: AttrPath): string {
  return `${path.uri ? `${path.uri}:` : ''}${path.attr}${path.sub !== undefined ? `.${path.sub}` : ''}`;
}

/** Renders an AST as filter text that parses back to the same AST (used by tests and logs). */
export function formatFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${formatFilter(node.left)} ${node.kind} ${formatFilter(node.right)})`;
    case 'not':
      return `not (${formatFilter(node.filter)})`;
    case 'present':
      return `${formatAttrPath(node.path)} pr`;
    case 'compare':
      return `${formatAttrPath(node.path)} ${node.op} ${JSON.stringify(node.value)}`;
    case 'valuePath': {
      const inner = node.filter;
      // `attr[f].sub op v` is stored as `attr[f and sub op v]` with subAttr set: print it back in its own form.
      if (
        node.subAttr !== undefined &&
        inner.kind === 'and' &&
        (inner.right.kind === 'compare' || inner.right.kind === 'present')
      ) {
        const tail =
          inner.right.kind === 'present' ? 'pr' : `${inner.right.op} ${JSON.stringify(inner.right.value)}`;
        return `${formatAttrPath(node.path)}[${formatFilter(inner.left)}].${node.subAttr} ${tail}`;
      }
      return `${formatAttrPath(node.path)}[${formatFilter(inner)}]`;
    }
  }
}
