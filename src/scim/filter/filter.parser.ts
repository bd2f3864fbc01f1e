import { ScimError } from '../errors';
import { AttrPath, COMPARE_OPS, CompareOp, CompareValue, FilterNode } from './filter.ast';
import { describePosition, describeToken, Token, tokenize } from './filter.lexer';

/** Limits that keep a hostile filter from costing more than a normal one. */
export interface FilterParseOptions {
  /** Longest accepted filter, in characters. Default 4096. */
  maxLength?: number;
  /** Deepest accepted nesting of parentheses, `not (…)` and value paths `[…]`. Default 32. */
  maxDepth?: number;
  /**
   * Accept an unquoted comparison value as a string (`externalId eq jyoung`), as Entra's legacy filters
   * send (docs/entra.md §4.3, §4.17). Off by default: RFC 7644 Figure 1 wants strings in double quotes.
   */
  bareValues?: boolean;
}

export const DEFAULT_FILTER_LIMITS: Readonly<Required<Omit<FilterParseOptions, 'bareValues'>>> = {
  maxLength: 4096,
  maxDepth: 32,
};

/** A PATCH operation path (RFC 7644 §3.5.2): `attrPath` or `valuePath [subAttr]`. */
export interface PatchPath {
  path: AttrPath;
  /** The value filter of `attr[filter]`, relative to the multi-valued attribute. */
  filter?: FilterNode;
  /** The sub-attribute after the brackets: `emails[type eq "work"].value` → 'value'. */
  subAttr?: string;
}

/** `{ maxLength: undefined }` (e.g. from an unset config value) keeps the default instead of lifting the limit. */
function withDefaults(options: FilterParseOptions): Required<FilterParseOptions> {
  return {
    maxLength: options.maxLength ?? DEFAULT_FILTER_LIMITS.maxLength,
    maxDepth: options.maxDepth ?? DEFAULT_FILTER_LIMITS.maxDepth,
    bareValues: options.bareValues ?? false,
  };
}

type ErrorFactory = (detail: string) => ScimError;

const OPERATOR_LIST = 'eq, ne, co, sw, ew, gt, ge, lt, le, pr';
/** ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA (RFC 7644 Figure 1, RFC 7643 §2.1). */
const ATTRNAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2) into its AST.
 * Precedence, loosest first: `or`, `and`, `not (…)` / grouping / attribute expressions (Figure 1 and the
 * text after Table 3: "and" binds tighter than "or"). Operators and the literals true/false/null are
 * accepted in any case. Every syntax error is a ScimError 400 invalidFilter naming the 1-based position.
 */
export function parseFilter(text: string, options: FilterParseOptions = {}): FilterNode {
  const limits = withDefaults(options);
  if (typeof text !== 'string') throw ScimError.invalidFilter('The filter must be a single string');
  if (text.length > limits.maxLength) {
    throw ScimError.invalidFilter(
      `The filter is ${text.length} characters long; the maximum is ${limits.maxLength}`,
    );
  }
  if (text.trim() === '') throw ScimError.invalidFilter('The filter is empty');
  const parser = new Parser(
    tokenize(text, { bareValues: limits.bareValues }),
    limits.maxDepth,
    ScimError.invalidFilter,
    limits.bareValues,
  );
  const node = parser.parseOr();
  parser.expectEnd('"and", "or" or end of filter');
  return node;
}

/**
 * Parses an attribute path alone, `[URI ":"] ATTRNAME ["." subAttr]` (RFC 7644 §3.10), as used by `sortBy`
 * and PATCH paths. The URI is everything before the last colon, so `…:enterprise:2.0:User:manager.value`
 * splits into the URN, `manager` and `value`. Errors use `errorType` (default invalidPath, as PATCH wants).
 */
export function parseAttributePath(
  text: string,
  errorType: 'invalidPath' | 'invalidValue' | 'invalidFilter' = 'invalidPath',
): AttrPath {
  const fail: ErrorFactory = (detail) => new ScimError(400, errorType, detail);
  if (typeof text !== 'string' || text.trim() === '') throw fail('The attribute path is empty');
  return splitAttrPath(text.trim(), 0, fail);
}

/**
 * Parses a PATCH path (RFC 7644 §3.5.2 ABNF: PATH = attrPath / valuePath [subAttr]), e.g.
 * `emails[type eq "work"].value`. Path errors are invalidPath; errors inside the brackets invalidFilter.
 */
export function parsePatchPath(text: string, options: FilterParseOptions = {}): PatchPath {
  const limits = withDefaults(options);
  if (typeof text !== 'string' || text.trim() === '') throw ScimError.invalidPath('The path is empty');
  if (text.length > limits.maxLength) {
    throw ScimError.invalidPath(
      `The path is ${text.length} characters long; the maximum is ${limits.maxLength}`,
    );
  }
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (e) {
    throw e instanceof ScimError ? ScimError.invalidPath(e.detail) : e;
  }
  const parser = new Parser(tokens, limits.maxDepth, ScimError.invalidPath);
  const result = parser.parsePatchPath();
  parser.expectEnd('end of path');
  return result;
}

/** Splits `uri:attr.sub` into an AttrPath, validating ATTRNAME syntax. `pos` is for messages. */
function splitAttrPath(text: string, pos: number, fail: ErrorFactory): AttrPath {
  const colon = text.lastIndexOf(':');
  const uri = colon >= 0 ? text.slice(0, colon) : undefined;
  const rest = colon >= 0 ? text.slice(colon + 1) : text;
  const parts = rest.split('.');
  const problem =
    uri === ''
      ? 'a schema URI must come before ":"'
      : rest === ''
        ? 'an attribute name must follow the schema URI'
        : parts.length > 2
          ? 'at most one sub-attribute may follow an attribute name'
          : parts.some((p) => !ATTRNAME.test(p))
            ? 'attribute names start with a letter and contain only letters, digits, "-" and "_"'
            : undefined;
  if (problem) {
    throw fail(`Invalid attribute path ${JSON.stringify(text)} at ${describePosition(pos)}: ${problem}`);
  }
  const path: AttrPath = { attr: parts[0] };
  if (uri !== undefined) path.uri = uri;
  if (parts.length === 2) path.sub = parts[1];
  return path;
}

class Parser {
  private index = 0;
  private depth = 0;
  /** Where the enclosing value path opened, when parsing inside `[…]` (value paths cannot nest). */
  private openValuePath: Token | undefined;

  constructor(
    private readonly tokens: Token[],
    private readonly maxDepth: number,
    private fail: ErrorFactory,
    private readonly bareValues = false,
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private enter(token: Token): void {
    this.depth++;
    if (this.depth > this.maxDepth) {
      throw this.fail(
        `The filter nests deeper than ${this.maxDepth} levels at ${describePosition(token.pos)}`,
      );
    }
  }

  private expectClose(kind: ')' | ']', open: Token): void {
    const token = this.peek();
    if (token.kind !== kind) {
      throw this.fail(
        `Expected "${kind}" to close the "${open.text}" at ${describePosition(open.pos)}, ` +
          `found ${describeToken(token)} at ${describePosition(token.pos)}`,
      );
    }
    this.next();
    this.depth--;
  }

  expectEnd(expected: string): void {
    const token = this.peek();
    if (token.kind !== 'eof') {
      throw this.fail(
        `Expected ${expected} at ${describePosition(token.pos)}, found ${describeToken(token)}`,
      );
    }
  }

  /** logExp with "or": the loosest binding. Chains are built iteratively (left-associative). */
  parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  /** `not (FILTER)`, `(FILTER)`, or an attribute expression / value path. */
  private parseUnary(): FilterNode {
    const token = this.peek();
    if (token.kind === '(') {
      this.enter(token);
      this.next();
      const inner = this.parseOr();
      this.expectClose(')', token);
      return inner;
    }
    if (this.isKeyword(token, 'not') && this.peek(1).kind === '(') {
      // RFC 7644 Figure 1: "not" "(" FILTER ")"; a space between them is usual (see the RFC's examples).
      this.next();
      const open = this.next();
      this.enter(open);
      const inner = this.parseOr();
      this.expectClose(')', open);
      return { kind: 'not', filter: inner };
    }
    if (token.kind === 'word') {
      if (this.isKeyword(token, 'not') && !this.isOperator(this.peek(1)) && this.peek(1).kind !== '[') {
        const after = this.peek(1);
        throw this.fail(
          `Expected "(" after "not" at ${describePosition(after.pos)}, found ${describeToken(after)}: ` +
            'negation is written not (filter)',
        );
      }
      return this.parseAttrExp();
    }
    throw this.fail(
      `Expected an attribute path, "(" or "not (" at ${describePosition(token.pos)}, found ${describeToken(token)}`,
    );
  }

  private isOperator(token: Token): boolean {
    if (token.kind !== 'word') return false;
    const op = token.text.toLowerCase();
    return op === 'pr' || (COMPARE_OPS as readonly string[]).includes(op);
  }

  /** attrExp = attrPath SP "pr" / attrPath SP compareOp SP compValue; or valuePath ["." subAttr op value]. */
  private parseAttrExp(): FilterNode {
    const pathToken = this.next();
    const path = splitAttrPath(pathToken.text, pathToken.pos, this.fail);
    if (this.peek().kind !== '[') return this.parseOperatorTail(path, pathToken.text);

    const open = this.next();
    const inner = this.parseValueFilter(path, pathToken, open);
    if (this.peek().kind !== '.') return { kind: 'valuePath', path, filter: inner };

    // `emails[type eq "work"].value eq "x"`: both conditions must hold on the same element.
    const dot = this.next();
    const subToken = this.next();
    if (subToken.kind !== 'word' || subToken.pos !== dot.pos + 1 || !ATTRNAME.test(subToken.text)) {
      throw this.fail(
        `Expected a sub-attribute name after "." at ${describePosition(dot.pos + 1)}, found ${describeToken(subToken)}`,
      );
    }
    const condition = this.parseOperatorTail(
      { attr: subToken.text },
      `${pathToken.text}[…].${subToken.text}`,
    );
    return {
      kind: 'valuePath',
      path,
      filter: { kind: 'and', left: inner, right: condition },
      subAttr: subToken.text,
    };
  }

  /** valFilter between "[" and "]" (RFC 7644 Figure 1, errata 4690/7322: no nested value paths). */
  private parseValueFilter(path: AttrPath, pathToken: Token, open: Token): FilterNode {
    if (this.openValuePath) {
      throw this.fail(
        `Value paths cannot be nested: "[" at ${describePosition(open.pos)} is inside the "[" at ` +
          `${describePosition(this.openValuePath.pos)}`,
      );
    }
    if (path.sub !== undefined) {
      throw this.fail(
        `A value filter "[" at ${describePosition(open.pos)} must follow an attribute, not the sub-attribute "${pathToken.text}"`,
      );
    }
    this.enter(open);
    this.openValuePath = open;
    const inner = this.parseOr();
    this.expectClose(']', open);
    this.openValuePath = undefined;
    return inner;
  }

  private parseOperatorTail(path: AttrPath, pathText: string): FilterNode {
    const token = this.peek();
    const op = token.kind === 'word' ? token.text.toLowerCase() : '';
    if (op === 'pr') {
      this.next();
      return { kind: 'present', path };
    }
    if (!(COMPARE_OPS as readonly string[]).includes(op)) {
      throw this.fail(
        `Expected an operator after "${pathText}" at ${describePosition(token.pos)}, found ${describeToken(token)} ` +
          `(operators: ${OPERATOR_LIST})`,
      );
    }
    this.next();
    return { kind: 'compare', path, op: op as CompareOp, value: this.parseValue(token) };
  }

  /** compValue = false / null / true / number / string (JSON, RFC 7644 Figure 1). */
  private parseValue(opToken: Token): CompareValue {
    const token = this.next();
    if (token.kind === 'string' || token.kind === 'number') return token.value!;
    if (token.kind === 'word') {
      const literal = token.text.toLowerCase();
      if (literal === 'true') return true;
      if (literal === 'false') return false;
      if (literal === 'null') return null;
      // Entra's legacy unquoted value (see FilterParseOptions.bareValues); keywords stay keywords.
      if (this.bareValues && !['and', 'or', 'not'].includes(literal)) return token.text;
    }
    throw this.fail(
      `Expected a value after "${opToken.text}" at ${describePosition(token.pos)}, found ${describeToken(token)} ` +
        '(a string in double quotes, a number, true, false or null)',
    );
  }

  /** PATH = attrPath / valuePath [subAttr] (RFC 7644 §3.5.2). */
  parsePatchPath(): PatchPath {
    const pathToken = this.next();
    if (pathToken.kind !== 'word') {
      throw this.fail(
        `Expected an attribute path at ${describePosition(pathToken.pos)}, found ${describeToken(pathToken)}`,
      );
    }
    const path = splitAttrPath(pathToken.text, pathToken.pos, this.fail);
    if (this.peek().kind !== '[') return { path };
    const open = this.next();
    const pathFail = this.fail;
    this.fail = ScimError.invalidFilter;
    const filter = this.parseValueFilter(path, pathToken, open);
    this.fail = pathFail;
    if (this.peek().kind !== '.') return { path, filter };
    const dot = this.next();
    const subToken = this.next();
    if (subToken.kind !== 'word' || subToken.pos !== dot.pos + 1 || !ATTRNAME.test(subToken.text)) {
      throw this.fail(
        `Expected a sub-attribute name after "." at ${describePosition(dot.pos + 1)}, found ${describeToken(subToken)}`,
      );
    }
    return { path, filter, subAttr: subToken.text };
  }
}
