import type { TestApp } from '../harness';
import { ADMIN_HEADER, Json } from '../support/tenants';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface SubscriptionAnswer extends Json {
  id: string;
  position: number;
  headSeq: number;
  lag: number;
  status: string;
  secret?: string;
  lastError?: { at: string; status?: number; detail: string };
}

/** The admin API and SCIM calls the streaming e2e suites share. */
export class StreamingClient {
  constructor(
    private readonly t: TestApp,
    readonly tenant: string,
    private readonly scimAuth: { authorization: string },
  ) {}

  admin(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: unknown) {
    return this.t.app.inject({
      method,
      url: `/admin/tenants/${this.tenant}/subscriptions${path}`,
      headers: ADMIN_HEADER,
      payload: payload as never,
    });
  }

  async subscribe(body: Json): Promise<SubscriptionAnswer> {
    const response = await this.admin('POST', '', body);
    if (response.statusCode !== 201) throw new Error(`subscribe: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  async status(id: string): Promise<SubscriptionAnswer> {
    const response = await this.admin('GET', `/${id}`);
    if (response.statusCode !== 200) throw new Error(`status: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  /** Polls the status until `check` holds. */
  async waitForStatus(id: string, check: (s: SubscriptionAnswer) => boolean, timeoutMs = 15000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.status(id);
      if (check(status)) return status;
      if (Date.now() > deadline) throw new Error(`status never matched: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async scim(method: 'POST' | 'PATCH' | 'DELETE' | 'PUT', path: string, body?: unknown) {
    const response = await this.t.app.inject({
      method,
      url: `/scim/v2${path}`,
      headers: { ...this.scimAuth, ...(body ? { 'content-type': 'application/scim+json' } : {}) },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.statusCode >= 300)
      throw new Error(`${method} ${path}: ${response.statusCode} ${response.body}`);
    return (response.body === '' ? {} : response.json()) as Json & { id: string };
  }

  createUser(userName: string, extra: Json = {}) {
    return this.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName, ...extra }) as Promise<
      Json & { id: string }
    >;
  }
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
