/**
 * What the SSF and SET e2e suites share: an app that signs SETs, the JWKS it publishes, SSF stream-management
 * requests and RFC 8936 polls, sent as a receiver sends them.
 */
import type { JSONWebKeySet } from 'jose';
import type { AppConfigValues } from '../../../src/config/load-config';
import { createTestApp, TestApp } from '../harness';
import { SetReceiver } from '../support/set-receiver';
import { ADMIN_HEADER, ADMIN_TOKEN, issueToken } from '../support/tenants';

export const ISSUER = 'https://scim.example.com';
/** The prefix of the RFC 9967 provisioning event URIs. */
export const PROV_EVENT = 'urn:ietf:params:scim:event:prov:';

type Authorization = { authorization: string };
export type SsfMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** An app with the admin API and a SET issuer: the least that signs SETs and serves SSF. */
export const createSetApp = (overrides: Partial<AppConfigValues> = {}): Promise<TestApp> =>
  createTestApp({ adminToken: ADMIN_TOKEN, setIssuer: ISSUER, ...overrides });

export async function fetchJwks(t: TestApp): Promise<JSONWebKeySet> {
  return (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet;
}

/**
 * A receiver (or mere verifier) of the SETs of ISSUER for `audience`. It takes the app through a function,
 * read at every JWKS fetch, because the suites restart or replace the app after creating their receivers.
 */
export const setReceiver = (currentApp: () => TestApp, audience: string): SetReceiver =>
  new SetReceiver(() => fetchJwks(currentApp()), ISSUER, audience);

/** Rotates the SET signing keys through the admin API. */
export const rotateSetKeys = (t: TestApp, graceSeconds: number) =>
  t.app.inject({
    method: 'POST',
    url: '/admin/set-keys/rotate',
    headers: ADMIN_HEADER,
    payload: { graceSeconds },
  });

/** Issues the tenant a credential with the scope ssf.manage only; returns its Authorization header. */
export async function ssfManageAuth(t: TestApp, tenant: string, label: string): Promise<Authorization> {
  return { authorization: `Bearer ${await issueToken(t, tenant, { label, scopes: ['ssf.manage'] })}` };
}

/** An SSF stream-management request: a JSON body when there is a payload. */
export const ssfRequest = (
  t: TestApp,
  headers: Authorization,
  method: SsfMethod,
  url: string,
  payload?: unknown,
) =>
  t.app.inject({
    method,
    url,
    headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
    payload: payload === undefined ? undefined : JSON.stringify(payload),
  });

export interface PollAnswer {
  sets: Record<string, string>;
  moreAvailable?: boolean;
}

/** An RFC 8936 poll request of the subscription `id`, whatever its answer. */
export const pollRequest = (
  t: TestApp,
  id: string,
  authorization: string,
  body: Record<string, unknown>,
  extraHeaders: Record<string, string> = {},
) =>
  t.app.inject({
    method: 'POST',
    url: `/sets/poll/${id}`,
    headers: { authorization, 'content-type': 'application/json', ...extraHeaders },
    payload: JSON.stringify(body),
  });

/** The stream as SSF answers it: the poll endpoint's id and the token that polls it. */
export interface PolledStream {
  stream_id: string;
  delivery: { authorization_header: string };
}

/** Polls an SSF poll stream without waiting (unless `body` says otherwise); the poll must answer 200. */
export async function pollStream(
  t: TestApp,
  stream: PolledStream,
  body: Record<string, unknown> = {},
): Promise<PollAnswer> {
  const response = await pollRequest(t, stream.stream_id, stream.delivery.authorization_header, {
    returnImmediately: true,
    ...body,
  });
  if (response.statusCode !== 200) throw new Error(`poll: ${response.statusCode} ${response.body}`);
  return response.json();
}
