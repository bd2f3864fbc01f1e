import fc from 'fast-check';
import { TestApp } from '../harness';
import {
  attributeName,
  expectScimAnswer,
  fuzzApp,
  fuzzParameters,
  FUZZ_TIMEOUT_MS,
  SEARCH_REQUEST,
  USER_SCHEMA,
} from './fuzz.helpers';

const COMPARE = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'EQ', 'Eq', 'xx'];

const literal = fc.oneof(
  fc.string({ maxLength: 10 }).map((s) => JSON.stringify(s)),
  fc.string({ maxLength: 10 }).map((s) => `"${s}"`),
  fc.constantFrom(
    'true',
    'false',
    'null',
    'True',
    '42',
    '-1.5e3',
    '"2024-01-31T12:00:00Z"',
    '1e999',
    'bjensen',
    '"',
  ),
  fc.integer().map(String),
  fc.double().map(String),
);

/** Filters from a loose RFC 7644 §3.4.2.2 grammar: mostly well-formed, often not quite. */
const filter: fc.Arbitrary<string> = fc.letrec<{ filter: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(attributeName, fc.constantFrom(...COMPARE), literal).map(([a, op, v]) => `${a} ${op} ${v}`),
    attributeName.map((a) => `${a} pr`),
    fc
      .tuple(tie('filter'), fc.constantFrom('and', 'or', 'AND', 'Or'), tie('filter'))
      .map(([l, op, r]) => `${l} ${op} ${r}`),
    tie('filter').map((f) => `not (${f})`),
    tie('filter').map((f) => `(${f})`),
    fc
      .tuple(fc.constantFrom('emails', 'members', 'addresses', 'name', 'groups', 'x'), tie('filter'))
      .map(([a, f]) => `${a}[${f}]`),
  ),
})).filter;

/** A filter, or one with a few characters inserted or removed, or any text at all. */
const mutatedFilter = fc.oneof(
  { weight: 3, arbitrary: filter },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        filter,
        fc.nat(),
        fc.nat({ max: 3 }),
        fc.constantFrom('(', ')', '[', ']', '"', '\\', ' ', '.', ':', 'not ', '\u0000', ''),
      )
      .map(([f, at, cut, insert]) => {
        const i = at % (f.length + 1);
        return f.slice(0, i) + insert + f.slice(i + cut);
      }),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

/** Issue 11 fuzz: filters on GET and POST /.search never answer 5xx or a non-SCIM error. */
describe('Fuzz: filters (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await fuzzApp();
    for (let i = 0; i < 5; i++) {
      await t.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
        payload: JSON.stringify({
          schemas: [USER_SCHEMA],
          userName: `fuzz-${i}`,
          emails: [{ value: `f${i}@example.com`, type: 'work' }],
        }),
      });
    }
  });
  afterAll(() => t.close());

  it(
    'GET /Users and /Groups with a filter',
    async () => {
      await fc.assert(
        fc.asyncProperty(mutatedFilter, fc.constantFrom('Users', 'Groups', ''), async (f, type) => {
          const url = `/scim/v2/${type}?filter=${encodeURIComponent(f)}`;
          expectScimAnswer(await t.app.inject({ method: 'GET', url, headers: t.authHeader }), { url });
        }),
        fuzzParameters(3500),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'POST /.search with a filter',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          mutatedFilter,
          fc.constantFrom('/scim/v2/Users/.search', '/scim/v2/.search'),
          async (f, url) => {
            const payload = { schemas: [SEARCH_REQUEST], filter: f };
            const response = await t.app.inject({
              method: 'POST',
              url,
              headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
              payload: JSON.stringify(payload),
            });
            expectScimAnswer(response, { url, payload });
          },
        ),
        fuzzParameters(1500),
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
