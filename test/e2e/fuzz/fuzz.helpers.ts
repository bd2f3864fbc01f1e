import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, TestApp } from '../harness';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/**
 * Runs per property, one request each. CI-sized by default: 20,200 requests across the suites of this folder
 * (filters 5,000, query parameters 5,000, PATCH 5,000, resource bodies 4,000, Bulk 1,200), about 1 ms of CPU
 * each. FUZZ_SCALE=10 for a longer local run; FUZZ_SEED (with the seed fast-check reports) replays a failure.
 */
export function fuzzParameters(numRuns: number): fc.Parameters<unknown> {
  const scale = Number(process.env.FUZZ_SCALE ?? '1');
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  return {
    numRuns: Math.max(1, Math.round(numRuns * scale)),
    ...(seed === undefined ? {} : { seed }),
    endOnFailure: true,
  };
}

/**
 * Jest timeout of one fuzz property: generous, since a CI machine running the whole suite in parallel may be
 * several times slower than an idle one (a property takes a few seconds there).
 */
export const FUZZ_TIMEOUT_MS = 180_000 * Math.max(1, Number(process.env.FUZZ_SCALE ?? '1'));

/** An app for fuzzing: no rate limits (thousands of requests a second), embedded store. */
export function fuzzApp(): Promise<TestApp> {
  // warn: no request log line per request (they are a third of the time of a request).
  return createTestApp({ rateLimitPerSecond: 0, authFailureLimitPerMinute: 0, logLevel: 'warn' });
}

/**
 * What every answer must be: never a 5xx; an error is a SCIM error body (RFC 7644 §3.12) with the SCIM media type,
 * `status` as a string equal to the HTTP status, a string detail and, when present, a string scimType.
 */
export function expectScimAnswer(response: LightMyRequestResponse, request: unknown): void {
  const problem = problemOf(response);
  if (problem !== undefined) {
    throw new Error(
      `${problem}\nrequest: ${describe(request)}\nanswer: ${response.statusCode} ${response.body.slice(0, 500)}`,
    );
  }
}

function problemOf(response: LightMyRequestResponse): string | undefined {
  if (response.statusCode >= 500) return 'a 5xx answer';
  if (response.statusCode < 400) return undefined;
  if (!String(response.headers['content-type']).startsWith('application/scim+json')) {
    return `an error with Content-Type ${String(response.headers['content-type'])}`;
  }
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return 'an error body that is not JSON';
  }
  if (typeof body !== 'object' || body === null) return 'an error body that is not an object';
  const { schemas, status, detail, scimType } = body as Record<string, unknown>;
  if (!Array.isArray(schemas) || schemas.length !== 1 || schemas[0] !== ERROR_SCHEMA)
    return 'no Error schema';
  if (status !== String(response.statusCode))
    return `status ${JSON.stringify(status)} is not the HTTP status`;
  if (detail !== undefined && typeof detail !== 'string') return 'a detail that is not a string';
  if (scimType !== undefined && typeof scimType !== 'string') return 'a scimType that is not a string';
  if (typeof detail === 'string' && detail.includes('[object Object]'))
    return 'a detail saying [object Object]';
  return undefined;
}

function describe(request: unknown): string {
  try {
    const text = JSON.stringify(request);
    return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
  } catch {
    return String(request);
  }
}

/** JSON values, with the shapes SCIM bodies have more often than chance would pick them. */
export const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      null,
      true,
      'True',
      'false',
      '',
      0,
      -1,
      1e308,
      '2024-01-31T12:00:00Z',
      'not-a-date',
      [],
      {},
      [null],
      [{}],
      { value: 'x' },
      [{ value: 'a@example.com', type: 'work', primary: true }],
      [
        { value: 'a', primary: true },
        { value: 'b', primary: true },
      ],
      'x'.repeat(70_000),
      '\u0000\uffff\ud800',
    ),
  },
);

/** Attribute names and paths of Users and Groups, with misspellings, URNs and garbage. */
export const attributeName: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'userName',
      'USERNAME',
      'name',
      'name.givenName',
      'name.familyName',
      'displayName',
      'nickName',
      'title',
      'active',
      'emails',
      'emails.value',
      'emails.type',
      'phoneNumbers',
      'addresses',
      'addresses.streetAddress',
      'roles',
      'entitlements',
      'x509Certificates',
      'externalId',
      'id',
      'meta',
      'meta.created',
      'meta.lastModified',
      'groups',
      'members',
      'members.value',
      'schemas',
      'locale',
      'timezone',
      'profileUrl',
      'userType',
      `${ENTERPRISE}:employeeNumber`,
      `${ENTERPRISE}:manager`,
      `${ENTERPRISE}:manager.value`,
      `${ENTERPRISE}:department`,
      ENTERPRISE,
      'urn:ietf:params:scim:schemas:extension:acme:2.0:User:badge',
      'urn:ietf:params:scim:schemas:extension:acme:2.0:User',
      USER_SCHEMA,
      `${USER_SCHEMA}:userName`,
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.:-]{0,20}$/) },
);

const schemas = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom([USER_SCHEMA], [USER_SCHEMA, ENTERPRISE], [GROUP_SCHEMA]) },
  { weight: 1, arbitrary: jsonValue },
);

/** Resource bodies: mostly the right shape with odd values, sometimes anything. `password` is left out (scrypt). */
export const resourceBody = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        schemas,
        fc.option(fc.oneof(fc.string({ maxLength: 20 }), jsonValue), { nil: undefined }),
        fc.dictionary(
          attributeName.filter((a) => a.toLowerCase() !== 'password'),
          jsonValue,
          { maxKeys: 5 },
        ),
        fc.option(
          fc.dictionary(
            fc.constantFrom('employeeNumber', 'manager', 'department', 'schemas', 'x'),
            jsonValue,
          ),
          { nil: undefined },
        ),
      )
      .map(([s, userName, attributes, extension]) => ({
        schemas: s,
        ...(userName === undefined ? {} : { userName, displayName: userName }),
        ...attributes,
        ...(extension === undefined ? {} : { [ENTERPRISE]: extension }),
      })),
  },
  { weight: 1, arbitrary: jsonValue },
);
