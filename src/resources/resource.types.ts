/** What the resource writer, query service and presenter exchange with the controllers. Knows nothing of HTTP. */
import { JournalActor } from '../store/ports';

/** Who asks, and where the SCIM base of this request is (for meta.location and $ref). */
export interface ScimRequestContext {
  tenantId: string;
  /** Absolute SCIM base URL, e.g. https://host/scim/v2 (no trailing slash). */
  baseUrl: string;
  /** The credential the request authenticated with: the actor of its change-journal entries. */
  actor: JournalActor;
  /** The request's X-Request-Id (src/http/request-id.ts), recorded in its change-journal entries. */
  requestId?: string;
}

/** RFC 7644 §3.9 parameters as the client sent them (comma-separated). */
export interface AttributeSelectionInput {
  attributes?: string;
  excludedAttributes?: string;
}

/** A selection, or 'none': the caller sends no body (PATCH answering 204), so nothing is loaded or projected. */
export type ViewSelectionInput = AttributeSelectionInput | 'none';

export interface ListQuery extends AttributeSelectionInput {
  filter?: string;
  sortBy?: string;
  sortOrder?: string;
  startIndex?: unknown;
  count?: unknown;
  cursor?: unknown;
}

export interface ListPage {
  resources: Record<string, unknown>[];
  /** `resources` serialised (JSON.stringify), when the query already did it (fitToSize). */
  resourcesJson?: string;
  totalResults: number;
  startIndex?: number;
  itemsPerPage: number;
  nextCursor?: string;
  previousCursor?: string;
}

/** A resource as the HTTP layer needs it: the wire body and its version (ETag). */
export interface ResourceView {
  body: Record<string, unknown>;
  version: string;
  location: string;
}
