/**
 * The one error type of the SCIM engine and of the HTTP layer (RFC 7644 §3.12).
 * The global exception filter renders it as a SCIM error body; nothing else decides error shapes.
 */
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** scimType values of RFC 7644 §3.12 Table 9, plus the cursor errors of RFC 9865 §2.4. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  | 'invalidCursor'
  | 'expiredCursor'
  | 'invalidCount';

/** Which HTTP statuses each scimType may travel with (RFC 7644 §3.12, RFC 9865 §2.4). */
const ALLOWED_STATUS: Record<ScimType, readonly number[]> = {
  invalidFilter: [400],
  tooMany: [400, 413],
  uniqueness: [409],
  mutability: [400],
  invalidSyntax: [400],
  invalidPath: [400],
  noTarget: [400],
  invalidValue: [400],
  invalidVers: [400],
  sensitive: [403],
  invalidCursor: [400],
  expiredCursor: [400],
  invalidCount: [400],
};

export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
    /** Extra response headers (e.g. WWW-Authenticate on 401, Retry-After on 429). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = 'ScimError';
    if (scimType && !ALLOWED_STATUS[scimType].includes(status)) {
      throw new Error(`scimType ${scimType} cannot be sent with status ${status}`);
    }
  }

  /** RFC 7644 §3.12: `status` is a string in the body. */
  toBody(): ScimErrorBody {
    const body: ScimErrorBody = {
      schemas: [SCIM_ERROR_SCHEMA],
      status: String(this.status),
      detail: this.detail,
    };
    if (this.scimType) body.scimType = this.scimType;
    return body;
  }

  static invalidFilter(detail: string): ScimError {
    return new ScimError(400, 'invalidFilter', detail);
  }
  static invalidSyntax(detail: string): ScimError {
    return new ScimError(400, 'invalidSyntax', detail);
  }
  static invalidValue(detail: string): ScimError {
    return new ScimError(400, 'invalidValue', detail);
  }
  static invalidPath(detail: string): ScimError {
    return new ScimError(400, 'invalidPath', detail);
  }
  static noTarget(detail: string): ScimError {
    return new ScimError(400, 'noTarget', detail);
  }
  static mutability(detail: string): ScimError {
    return new ScimError(400, 'mutability', detail);
  }
  static uniqueness(detail: string): ScimError {
    return new ScimError(409, 'uniqueness', detail);
  }
  static tooMany(detail: string, status: 400 | 413 = 400): ScimError {
    return new ScimError(status, 'tooMany', detail);
  }
  static badRequest(detail: string): ScimError {
    return new ScimError(400, undefined, detail);
  }
  static notFound(detail: string): ScimError {
    return new ScimError(404, undefined, detail);
  }
  static conflict(detail: string): ScimError {
    return new ScimError(409, undefined, detail);
  }
  static preconditionFailed(detail: string): ScimError {
    return new ScimError(412, undefined, detail);
  }
  static unauthorized(detail: string): ScimError {
    return new ScimError(401, undefined, detail, { 'WWW-Authenticate': 'Bearer realm="scim"' });
  }
  static forbidden(detail: string): ScimError {
    return new ScimError(403, undefined, detail);
  }
  /**
   * 429 (RFC 6585 §4) with Retry-After in whole seconds (RFC 9110 §10.2.3), at least 1. RFC 7644 §3.12 defines
   * no scimType for it, so none is sent.
   */
  static tooManyRequests(detail: string, retryAfterSeconds: number): ScimError {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    return new ScimError(429, undefined, detail, { 'Retry-After': String(seconds) });
  }
  static notImplemented(detail: string): ScimError {
    return new ScimError(501, undefined, detail);
  }
}
