import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../../config/app-config';
import { KNOWN_SCOPES, SCIM_SCOPE } from '../scim-access';
import { normaliseSecretHash, secretFingerprint } from './client-secret';

/** Clients of the client-credentials grant are declared in this file of CONFIG_DIR (and/or OAUTH_CLIENTS). */
export const OAUTH_CLIENTS_FILE = 'oauth-clients.json';

export const DEFAULT_CLIENT_TENANT = 'default';
export const DEFAULT_CLIENT_SCOPES: readonly string[] = [SCIM_SCOPE];

export interface OAuthClientSecret {
  /** `sha256:<hex>` of the secret. */
  hash: string;
  /** Carried by the tokens this secret obtained (client-secret.ts secretFingerprint). */
  fingerprint: string;
  label?: string;
  /** ISO 8601; the secret is refused from this instant on (gallery rule: secrets expire, docs/entra.md §9.1). */
  notAfter?: string;
}

/** An OAuth 2.0 client (RFC 6749 §2) of one tenant. */
export interface OAuthClient {
  id: string;
  tenantId: string;
  name?: string;
  /** Several may be active at once, so a secret can be rotated without downtime. */
  secrets: OAuthClientSecret[];
  /** Scopes the client may request (RFC 6749 §3.3); all of them when it requests none. */
  scopes: string[];
  disabled: boolean;
}

/**
 * client_id: unreserved URL characters only (RFC 3986 §2.3), so that the form-urlencoding RFC 6749 §2.3.1
 * asks for in Basic credentials changes nothing, and no `:` splits the Basic user-pass.
 */
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;
const TENANT_ID = /^[A-Za-z0-9._~-]{1,128}$/;
/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

const CLIENT_KEYS = ['id', 'name', 'tenant', 'secrets', 'scopes', 'disabled'];
const SECRET_KEYS = ['hash', 'label', 'notAfter'];

/** Thrown at boot; the message names the source and every problem, on one line. */
export class OAuthClientsConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid configuration: ${source}: ${problems.join('; ')}`);
    this.name = 'OAuthClientsConfigError';
  }
}

/**
 * Validates one client declaration document: `{ "clients": [...] }` or a bare array. Keys starting with `$`
 * are comments (as in default.json), anywhere. Throws OAuthClientsConfigError listing every problem.
 */
export function parseOAuthClients(document: unknown, source: string): OAuthClient[] {
  const problems: string[] = [];
  let list: unknown = document;
  if (isRecord(document)) {
    for (const key of Object.keys(document)) {
      if (!key.startsWith('$') && key !== 'clients') problems.push(`unknown key ${JSON.stringify(key)}`);
    }
    list = document.clients ?? [];
  }
  if (!Array.isArray(list)) {
    throw new OAuthClientsConfigError(source, ['must be an array of clients or { "clients": [...] }']);
  }
  const clients: OAuthClient[] = [];
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    const client = parseClient(entry, `clients[${index}]`, problems);
    if (!client) return;
    if (seen.has(client.id))
      problems.push(`clients[${index}].id ${JSON.stringify(client.id)} is declared twice`);
    seen.add(client.id);
    clients.push(client);
  });
  if (problems.length > 0) throw new OAuthClientsConfigError(source, problems);
  return clients;
}

/**
 * The clients of `<CONFIG_DIR>/oauth-clients.json` (absent file = none) followed by those of OAUTH_CLIENTS.
 * A client id may appear only once across both.
 */
export function loadOAuthClients(config: Pick<AppConfig, 'configDir' | 'oauthClients'>): OAuthClient[] {
  const clients: OAuthClient[] = [];
  const file = join(config.configDir, OAUTH_CLIENTS_FILE);
  if (existsSync(file)) clients.push(...parseOAuthClients(readJson(readFileSync(file, 'utf8'), file), file));
  if (config.oauthClients !== undefined) {
    const fromEnv = parseOAuthClients(readJson(config.oauthClients, 'OAUTH_CLIENTS'), 'OAUTH_CLIENTS');
    const known = new Set(clients.map((c) => c.id));
    const twice = fromEnv.filter((c) => known.has(c.id)).map((c) => JSON.stringify(c.id));
    if (twice.length > 0) {
      throw new OAuthClientsConfigError('OAUTH_CLIENTS', [
        `client ${twice.join(', ')} is also declared in ${file}`,
      ]);
    }
    clients.push(...fromEnv);
  }
  return clients;
}

function readJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OAuthClientsConfigError(source, [`is not valid JSON (${(error as Error).message})`]);
  }
}

function parseClient(entry: unknown, at: string, problems: string[]): OAuthClient | null {
  if (!isRecord(entry)) {
    problems.push(`${at} must be an object`);
    return null;
  }
  const before = problems.length;
  unknownKeys(entry, CLIENT_KEYS, at, problems);
  const { id, name, tenant = DEFAULT_CLIENT_TENANT, secrets, scopes = DEFAULT_CLIENT_SCOPES } = entry;
  const disabled = entry.disabled ?? false;
  if (typeof id !== 'string' || !CLIENT_ID.test(id)) {
    problems.push(`${at}.id must be 1 to 128 characters of A-Z a-z 0-9 . _ ~ - (got ${show(id)})`);
  }
  if (name !== undefined && (typeof name !== 'string' || name.length > 200)) {
    problems.push(`${at}.name must be a string of at most 200 characters`);
  }
  if (typeof tenant !== 'string' || !TENANT_ID.test(tenant)) {
    problems.push(`${at}.tenant must be a tenant id of A-Z a-z 0-9 . _ ~ - (got ${show(tenant)})`);
  }
  if (typeof disabled !== 'boolean') problems.push(`${at}.disabled must be true or false`);
  if (
    !Array.isArray(scopes) ||
    scopes.length === 0 ||
    !scopes.every((s) => typeof s === 'string' && SCOPE_TOKEN.test(s))
  ) {
    problems.push(
      `${at}.scopes must be a non-empty array of scope tokens (printable ASCII without space, " or \\; RFC 6749 §3.3)`,
    );
  } else {
    // A scope the guard does not know would look like a control and do nothing.
    const unknown = scopes.filter((s) => !KNOWN_SCOPES.includes(s as string));
    if (unknown.length > 0) {
      problems.push(
        `${at}.scopes may only hold ${KNOWN_SCOPES.map((s) => `"${s}"`).join(', ')} (got ${unknown.map(show).join(', ')})`,
      );
    }
  }
  const parsedSecrets: OAuthClientSecret[] = [];
  if (!Array.isArray(secrets) || (secrets.length === 0 && disabled !== true)) {
    problems.push(
      `${at}.secrets must be a non-empty array of { "hash": … } (create one with npm run oauth:hash-secret)`,
    );
  } else {
    secrets.forEach((secret, index) => {
      const parsed = parseSecret(secret, `${at}.secrets[${index}]`, problems);
      if (!parsed) return;
      if (parsedSecrets.some((s) => s.hash === parsed.hash)) {
        problems.push(`${at}.secrets[${index}] repeats the hash of another secret`);
      }
      parsedSecrets.push(parsed);
    });
  }
  if (problems.length > before) return null;
  const client: OAuthClient = {
    id: id as string,
    tenantId: tenant as string,
    secrets: parsedSecrets,
    scopes: [...new Set(scopes as string[])],
    disabled: disabled as boolean,
  };
  if (name !== undefined) client.name = name as string;
  return client;
}

function parseSecret(entry: unknown, at: string, problems: string[]): OAuthClientSecret | null {
  if (!isRecord(entry)) {
    problems.push(`${at} must be an object { "hash": … }`);
    return null;
  }
  const before = problems.length;
  unknownKeys(entry, SECRET_KEYS, at, problems);
  const hash = typeof entry.hash === 'string' ? normaliseSecretHash(entry.hash) : null;
  if (!hash) {
    problems.push(
      `${at}.hash must be "sha256:" followed by 64 hex digits, as printed by npm run oauth:hash-secret`,
    );
  }
  const { label, notAfter } = entry;
  if (label !== undefined && (typeof label !== 'string' || label.length > 200)) {
    problems.push(`${at}.label must be a string of at most 200 characters`);
  }
  if (
    notAfter !== undefined &&
    (typeof notAfter !== 'string' || !ISO_DATE.test(notAfter) || Number.isNaN(Date.parse(notAfter)))
  ) {
    problems.push(
      `${at}.notAfter must be an ISO 8601 date or date-time, e.g. 2027-06-30T00:00:00Z (got ${show(notAfter)})`,
    );
  }
  if (problems.length > before || !hash) return null;
  const secret: OAuthClientSecret = { hash, fingerprint: secretFingerprint(hash) };
  if (label !== undefined) secret.label = label as string;
  if (notAfter !== undefined) secret.notAfter = new Date(Date.parse(notAfter as string)).toISOString();
  return secret;
}

function unknownKeys(
  entry: Record<string, unknown>,
  known: readonly string[],
  at: string,
  problems: string[],
): void {
  for (const key of Object.keys(entry)) {
    if (!key.startsWith('$') && !known.includes(key)) {
      problems.push(`${at} has an unknown key ${JSON.stringify(key)} (known: ${known.join(', ')})`);
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
