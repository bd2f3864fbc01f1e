/** Reading the JSON bodies and query values of the SSF stream management API; 400 invalidValue otherwise. Pure. */
import { ScimError } from '../../scim/errors';

export type Json = Record<string, unknown>;

export function object(value: unknown, name = 'the request body'): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ScimError.invalidValue(`${name} must be a JSON object`);
  }
  return value as Json;
}

export function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 2048) {
    throw ScimError.invalidValue(`${name} must be a non-empty string`);
  }
  return value;
}

export function strings(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw ScimError.invalidValue(`${name} must be an array of event URIs`);
  }
  return value as string[];
}
