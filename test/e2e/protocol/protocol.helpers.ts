import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, TestApp } from '../harness';
import type { AppConfigValues } from '../../../src/config/load-config';

export const BASE = '/scim/v2';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
export const SCIM_JSON = /^application\/scim\+json/;
/** The host light-my-request sends by default: absolute URLs of the test app start with this. */
export const ORIGIN = 'http://localhost:80';

export type Json = Record<string, any>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A thin SCIM client over app.inject(): paths are relative to /scim/v2, bodies are sent as scim+json. */
export class ScimClient {
  constructor(readonly t: TestApp) {}

  send(
    method: Method,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const all: Record<string, string> = { ...this.t.authHeader, ...headers };
    const hasBody = body !== undefined;
    if (hasBody) all['content-type'] = 'application/scim+json';
    return this.t.app.inject({
      method,
      url: `${BASE}${path}`,
      headers: all,
      payload: hasBody ? (typeof body === 'string' ? body : JSON.stringify(body)) : undefined,
    });
  }

  get(path: string, headers?: Record<string, string>) {
    return this.send('GET', path, undefined, headers);
  }
  post(path: string, body: unknown, headers?: Record<string, string>) {
    return this.send('POST', path, body, headers);
  }
  put(path: string, body: unknown, headers?: Record<string, string>) {
    return this.send('PUT', path, body, headers);
  }
  patch(path: string, body: unknown, headers?: Record<string, string>) {
    return this.send('PATCH', path, body, headers);
  }
  delete(path: string, headers?: Record<string, string>) {
    return this.send('DELETE', path, undefined, headers);
  }

  /** GET with query parameters encoded properly. */
  query(path: string, params: Record<string, string | number>) {
    const qs = new URLSearchParams(
      Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    return this.get(`${path}?${qs}`);
  }

  /** Creates a user and returns its body (fails the test unless 201). */
  async createUser(body: Json): Promise<Json> {
    const response = await this.post('/Users', { schemas: [USER_SCHEMA], ...body });
    if (response.statusCode !== 201) {
      throw new Error(`create user: ${response.statusCode} ${response.body}`);
    }
    return response.json();
  }

  async createGroup(body: Json): Promise<Json> {
    const response = await this.post('/Groups', { schemas: [GROUP_SCHEMA], ...body });
    if (response.statusCode !== 201) {
      throw new Error(`create group: ${response.statusCode} ${response.body}`);
    }
    return response.json();
  }
}

export async function startClient(
  overrides: Partial<AppConfigValues> = {},
): Promise<{ t: TestApp; scim: ScimClient }> {
  const t = await createTestApp(overrides);
  return { t, scim: new ScimClient(t) };
}

/** Asserts a SCIM error response (RFC 7644 §3.12): status line, content type and body shape. */
export function expectScimError(response: LightMyRequestResponse, status: number, scimType?: string): Json {
  expect({ status: response.statusCode, body: response.body }).toEqual({
    status,
    body: expect.any(String),
  });
  expect(response.headers['content-type']).toMatch(SCIM_JSON);
  const body = response.json<Json>();
  expect(body.schemas).toEqual([ERROR_SCHEMA]);
  expect(body.status).toBe(String(status));
  if (scimType === undefined) expect(body.scimType).toBeUndefined();
  else expect(body.scimType).toBe(scimType);
  expect(typeof body.detail).toBe('string');
  return body;
}

export function patchOp(...operations: Json[]): Json {
  return { schemas: [PATCH_SCHEMA], Operations: operations };
}

let sequence = 0;
/** A unique userName per call, so that tests sharing one app do not collide. */
export function uniqueName(prefix = 'user'): string {
  sequence += 1;
  return `${prefix}-${sequence}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}
