import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal';
import { AppConfig } from '../config/app-config';
import { requestOrigin } from '../http/request-origin';
import { ScimRequestContext } from './resource.types';

/** Where SCIM endpoints are mounted; Entra's "Tenant URL" is https://<host>/scim/v2. */
export const SCIM_BASE_PATH = 'scim/v2';

/**
 * Builds the per-request context: the tenant, and the absolute SCIM base URL used in meta.location and $ref
 * (RFC 7644 §3.1 "location"). BASE_URL, when configured, always wins; otherwise it is derived from the request,
 * honouring well-formed X-Forwarded-Proto/-Host from a trusted proxy only (TRUST_PROXY, requestOrigin).
 */
@Injectable()
export class ScimContextFactory {
  constructor(private readonly config: AppConfig) {}

  baseUrl(request: FastifyRequest): string {
    const origin = this.config.baseUrl ?? requestOrigin(request);
    return `${origin.replace(/\/+$/, '')}/${SCIM_BASE_PATH}`;
  }

  /** Also names the actor (the credential) and the request id, which the change journal records. */
  create(principal: Principal, request: FastifyRequest): ScimRequestContext {
    return {
      tenantId: principal.tenantId,
      baseUrl: this.baseUrl(request),
      actor: { credentialId: principal.credentialId, label: principal.label },
      // request.id is the X-Request-Id (requestIdOf is Fastify's genReqId, src/app.factory.ts).
      requestId: typeof request.id === 'string' && request.id !== '' ? request.id : undefined,
    };
  }
}
