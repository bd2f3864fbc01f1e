import { ScimError } from '../errors';

/**
 * Tokens of the filter grammar (RFC 7644 §3.4.2.2 Figure 1). Keywords (and, or, not, pr, the comparison
 * operators, true, false, null) are not told apart from attribute names here: RFC 7643 §2.1 lets an attribute
 * be called `pr` or `not`, so only the parser, which knows the position in the grammar, can decide.
 */
export type TokenKind = 'word' | 'string' | 'number' | '(' | ')' | '[' | ']' | '.' | 'eof';

export interface Token {
  kind: TokenKind;
  /** 0-based offset of the first character in the filter text. */
  pos: number;
  /** The source text of the token (empty for eof). */
  text: string;
  /** Decoded value of string and number tokens. */
  value?: string | number;
}

/** Error positions are reported 1-based: "position 1" is the first character a client typed. */
export function describePosition(pos: number): string {
  return `position ${pos + 1}`;
}

/** How a token is named in "expected X, found Y" messages. */
export function describeToken(token: Token): string {
  if (token.kind === 'eof') return 'end of filter';
  const text = token.text.length > 40 ? `${token.text.slice(0, 40)}…` : token.text;
  return token.kind === 'string' ? `string ${text}` : `"${text}"`;
}

const isLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string) => c >= '0' && c <= '9';
/**
 * Characters of an attribute path: ATTRNAME chars (ALPHA, DIGIT, "-", "_"), "." before a sub-attribute and
 * ":" plus "." inside a schema URN such as `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:`.
 */
const isWordChar = (c: string) =>
  isLetter(c) || isDigit(c) || c === '-' || c === '_' || c === ':' || c === '.';
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** JSON number (RFC 8259 §6), anchored at the lexer position by the sticky flag. */
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

export interface TokenizeOptions {
  /**
   * Entra's legacy filters carry unquoted values (`externalId eq jyoung`, `id eq 54d382a4-… and manager eq …`,
   * docs/entra.md §4.3, §4.17). With this option a run of characters up to the next space, parenthesis, bracket or
   * double quote is one `word` token (a JSON number stays a number), which the parser may take as a string
   * value. Filters that are valid without the option are tokenised exactly as without it.
   */
  bareValues?: boolean;
}

const isDelimiter = (c: string) =>
  isSpace(c) || c === '(' || c === ')' || c === '[' || c === ']' || c === '"';

/** Splits filter text into tokens; the last token is always `eof`. Throws ScimError invalidFilter. */
export function tokenize(text: string, options: TokenizeOptions = {}): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (isSpace(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']' || c === '.') {
      tokens.push({ kind: c, pos: i, text: c });
      i++;
    } else if (c === '"') {
      const token = readString(text, i);
      tokens.push(token);
      i += token.text.length;
    } else if (options.bareValues && c !== "'") {
      let end = i + 1;
      while (end < text.length && !isDelimiter(text[end])) end++;
      const run = text.slice(i, end);
      NUMBER.lastIndex = 0;
      const number = (c === '-' || isDigit(c)) && NUMBER.exec(run)?.[0] === run ? Number(run) : undefined;
      tokens.push(
        number !== undefined && Number.isFinite(number)
          ? { kind: 'number', pos: i, text: run, value: number }
          : { kind: 'word', pos: i, text: run },
      );
      i = end;
    } else if (c === '-' || isDigit(c)) {
      const token = readNumber(text, i);
      tokens.push(token);
      i += token.text.length;
    } else if (isLetter(c)) {
      let end = i + 1;
      while (end < text.length && isWordChar(text[end])) end++;
      tokens.push({ kind: 'word', pos: i, text: text.slice(i, end) });
      i = end;
    } else if (c === "'") {
      throw ScimError.invalidFilter(
        `Unexpected character "'" at ${describePosition(i)}: string values must be in double quotes`,
      );
    } else {
      throw ScimError.invalidFilter(`Unexpected character ${JSON.stringify(c)} at ${describePosition(i)}`);
    }
  }
  tokens.push({ kind: 'eof', pos: text.length, text: '' });
  return tokens;
}

/** A JSON string (RFC 8259 §7), including \uXXXX escapes. */
function readString(text: string, start: number): Token {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      return { kind: 'string', pos: start, text: text.slice(start, i + 1), value: out };
    }
    if (c !== '\\') {
      // Raw control characters are tolerated (RFC 8259 wants them escaped): they cannot confuse the grammar.
      out += c;
      i++;
      continue;
    }
    const e = text[i + 1];
    if (e === undefined) break;
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
    } else if (e === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw ScimError.invalidFilter(
          `Invalid escape sequence "\\u${hex}" at ${describePosition(i)}: expected 4 hexadecimal digits after \\u`,
        );
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 6;
    } else {
      throw ScimError.invalidFilter(
        `Invalid escape sequence "\\${e}" at ${describePosition(i)}: expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX`,
      );
    }
  }
  throw ScimError.invalidFilter(
    `Unterminated string starting at ${describePosition(start)}: expected a closing '"'`,
  );
}

function readNumber(text: string, start: number): Token {
  NUMBER.lastIndex = start;
  const match = NUMBER.exec(text);
  const end = match ? start + match[0].length : start;
  // A number must end where a delimiter starts: "12abc", "1.", "01", "1e" or a lone "-" are malformed.
  if (!match || (end < text.length && (isWordChar(text[end]) || text[end] === '"'))) {
    let stop = start + 1;
    while (stop < text.length && (isWordChar(text[stop]) || text[stop] === '-' || text[stop] === '+')) stop++;
    throw ScimError.invalidFilter(
      `Invalid number ${JSON.stringify(text.slice(start, stop))} at ${describePosition(start)}: expected a JSON number such as 42, -1.5 or 1e3`,
    );
  }
  const value = Number(match[0]);
  if (!Number.isFinite(value)) {
    throw ScimError.invalidFilter(`Number ${match[0]} at ${describePosition(start)} is out of range`);
  }
  return { kind: 'number', pos: start, text: match[0], value };
}
