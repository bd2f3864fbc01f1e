/**
 * An explicit response from a controller: a status other than the route's default, extra headers, or no body.
 * The envelope interceptor applies it; ETag (from meta.version) and Location (on 201, from meta.location)
 * are still derived from the body, so controllers do not repeat them.
 *
 *   return ScimResponse.created(user);          // 201 + Location + ETag
 *   return ScimResponse.noContent();            // 204, no body (DELETE, PATCH without attributes)
 *   return ScimResponse.notModified(version);   // 304 for a matching If-None-Match (RFC 7644 §3.14)
 */
export class ScimResponse<T = unknown> {
  private constructor(
    readonly status: number,
    readonly body: T | undefined,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  static of<T>(status: number, body?: T, headers: Record<string, string> = {}): ScimResponse<T> {
    if (!Number.isInteger(status) || status < 200 || status > 399) {
      throw new Error(`ScimResponse is for successful responses; throw ScimError for status ${status}`);
    }
    return new ScimResponse(status, body, headers);
  }

  static ok<T>(body: T): ScimResponse<T> {
    return new ScimResponse(200, body);
  }

  static created<T>(resource: T): ScimResponse<T> {
    return new ScimResponse(201, resource);
  }

  static noContent(): ScimResponse<never> {
    return new ScimResponse<never>(204, undefined);
  }

  /** 304 without body; `version` is the current meta.version, sent back as ETag. */
  static notModified(version: string): ScimResponse<never> {
    return new ScimResponse<never>(304, undefined, { ETag: version });
  }

  withHeader(name: string, value: string): ScimResponse<T> {
    return new ScimResponse(this.status, this.body, { ...this.headers, [name]: value });
  }
}
