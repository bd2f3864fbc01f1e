import { LIST_RESPONSE_SCHEMA } from '../scim/schema/schema-urns';

export interface ListResultInit<T> {
  resources: T[];
  /** JSON.stringify(resources), when already computed: the envelope then sends it instead of serialising again. */
  resourcesJson?: string;
  totalResults: number;
  /** 1-based index of the first result (RFC 7644 §3.4.2.4); omitted from the response when undefined (cursor paging). */
  startIndex?: number;
  /** Defaults to resources.length. */
  itemsPerPage?: number;
  /** RFC 9865 §2.2 cursor paging. */
  nextCursor?: string;
  previousCursor?: string;
}

/** The wire form of a query result (RFC 7644 §3.4.2). */
export interface ListResponseBody<T> {
  schemas: [typeof LIST_RESPONSE_SCHEMA];
  totalResults: number;
  startIndex?: number;
  itemsPerPage: number;
  nextCursor?: string;
  previousCursor?: string;
  Resources: T[];
}

/**
 * What a controller returns for a query. The envelope interceptor recognises it by type (never by shape)
 * and renders it as a ListResponse.
 */
export class ListResult<T = Record<string, unknown>> {
  readonly resources: T[];
  readonly resourcesJson?: string;
  readonly totalResults: number;
  readonly startIndex?: number;
  readonly itemsPerPage: number;
  readonly nextCursor?: string;
  readonly previousCursor?: string;

  constructor(init: ListResultInit<T>) {
    this.resources = init.resources;
    this.resourcesJson = init.resourcesJson;
    this.totalResults = init.totalResults;
    this.startIndex = init.startIndex;
    this.itemsPerPage = init.itemsPerPage ?? init.resources.length;
    this.nextCursor = init.nextCursor;
    this.previousCursor = init.previousCursor;
  }

  toListResponse(): ListResponseBody<T> {
    const body: ListResponseBody<T> = {
      schemas: [LIST_RESPONSE_SCHEMA],
      totalResults: this.totalResults,
      itemsPerPage: this.itemsPerPage,
      Resources: this.resources,
    };
    if (this.startIndex !== undefined) body.startIndex = this.startIndex;
    if (this.nextCursor !== undefined) body.nextCursor = this.nextCursor;
    if (this.previousCursor !== undefined) body.previousCursor = this.previousCursor;
    return body;
  }

  /**
   * The ListResponse as JSON text, byte for byte JSON.stringify(toListResponse()), reusing `resourcesJson`
   * (issue 12: a page of 100 users was serialised twice, once for its size check and once to be sent).
   * Undefined without `resourcesJson`: the body is then serialised as any other.
   */
  toListResponseJson(): string | undefined {
    const resourcesJson = this.resourcesJson;
    if (resourcesJson === undefined) return undefined;
    // Member by member, in toListResponse's order, so that the two forms cannot drift apart.
    const members = Object.entries(this.toListResponse()).map(
      ([name, value]) =>
        `${JSON.stringify(name)}:${name === 'Resources' ? resourcesJson : JSON.stringify(value)}`,
    );
    return `{${members.join(',')}}`;
  }
}
