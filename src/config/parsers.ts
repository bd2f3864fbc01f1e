import { isURL } from 'class-validator';
import { isAbsolute, resolve } from 'node:path';

/**
 * Parsers of configuration values. A raw value is a string from the environment, or whatever JSON or a
 * test's override gave; a parser turns it into the typed value or names the rule it breaks (the text after
 * the variable's name in the ConfigError message).
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };
export type Parser<T> = (raw: unknown) => Parsed<T>;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (problem: string): Parsed<never> => ({ ok: false, problem });

/** Integers written as integers ("42", " 42 " or 42); "1.5", "4e3" and 1.5 are refused. */
export function int(min: number, max: number, problem: string): Parser<number> {
  return (raw) => {
    const value = typeof raw === 'string' && /^[+-]?\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
    return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? ok(value)
      : fail(problem);
  };
}

export function bool(): Parser<boolean> {
  return (raw) => {
    if (typeof raw === 'boolean') return ok(raw);
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (/^(true|1|yes|on)$/i.test(text)) return ok(true);
    if (/^(false|0|no|off)$/i.test(text)) return ok(false);
    return fail('must be true or false');
  };
}

export function oneOf<T extends string>(choices: readonly T[]): Parser<T> {
  return (raw) => {
    const value = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
    return choices.includes(value as T) ? ok(value as T) : fail(`must be one of ${choices.join(', ')}`);
  };
}

/** A rule of a text setting and the problem it reports; the first broken rule is reported. */
export type Rule = readonly [test: (value: string) => boolean, problem: string];

export interface TextOptions {
  /** The problem reported for a value that is not a string. */
  problem: string;
  rules?: readonly Rule[];
  /** Secrets are taken byte for byte: a token with a trailing space is another token. */
  keepSpaces?: boolean;
  /** Applied before the rules (a normalised value is what the rest of the code relies on). */
  normalise?: (value: string) => string;
}

export function text({ problem, rules = [], keepSpaces = false, normalise }: TextOptions): Parser<string> {
  return (raw) => {
    if (typeof raw !== 'string') return fail(problem);
    let value = keepSpaces ? raw : raw.trim();
    if (normalise) value = normalise(value);
    const broken = rules.find(([test]) => !test(value));
    return broken ? fail(broken[1]) : ok(value);
  };
}

/** Unset (undefined or JSON null) is a valid value of an optional setting. */
export function optional<T>(parse: Parser<T>): Parser<T | undefined> {
  return (raw) => (raw === undefined || raw === null ? ok(undefined) : parse(raw));
}

export const notEmpty = (problem: string): Rule => [(value) => value !== '', problem];
export const matches = (pattern: RegExp, problem: string): Rule => [(value) => pattern.test(value), problem];
export const minLength = (length: number, problem: string): Rule => [
  (value) => value.length >= length,
  problem,
];
export const maxLength = (length: number, problem: string): Rule => [
  (value) => value.length <= length,
  problem,
];
export const url = (options: Parameters<typeof isURL>[1], problem: string): Rule => [
  (value) => isURL(value, options),
  problem,
];

/** Relative directories are resolved against the working directory once, at boot. */
export function directory(): Parser<string> {
  return text({
    problem: 'must be a directory path',
    rules: [notEmpty('must be a directory path')],
    normalise: (value) => (value === '' || isAbsolute(value) ? value : resolve(process.cwd(), value)),
  });
}
