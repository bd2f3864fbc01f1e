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

const number = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom('0', '-1', '1e3', '1.5', '99999999999999999999', '', ' 1', '0x10', 'NaN', 'Infinity', '١'),
  fc.string({ maxLength: 6 }),
);
const parameterValue = {
  startIndex: number,
  count: number,
  cursor: fc.oneof(fc.constant(''), fc.string({ maxLength: 30 }), fc.stringMatching(/^[A-Za-z0-9_-]{0,80}$/)),
  sortBy: attributeName,
  sortOrder: fc.constantFrom('ascending', 'descending', 'DESCENDING', 'up', ''),
  attributes: fc.array(attributeName, { maxLength: 3 }).map((a) => a.join(',')),
  excludedAttributes: fc.array(attributeName, { maxLength: 3 }).map((a) => a.join(',')),
  filter: fc.oneof(fc.constant('userName pr'), fc.string({ maxLength: 20 })),
};
type Name = keyof typeof parameterValue;
const NAMES = Object.keys(parameterValue) as Name[];

/** A query string: known parameters with odd values, repeated ones, unknown ones, raw garbage. */
const queryString = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom(...NAMES).chain((name) => parameterValue[name].map((v) => [name, v] as const)),
          fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })),
        ),
        { maxLength: 5 },
      )
      .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => s.replace(/[#\s]/g, '')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '%',
      '%zz',
      'a=%E0%A4%A',
      'count[]=1',
      '&&&',
      '=',
      'filter',
      'count=1&count=2',
    ),
  },
);

const SEARCH_FIELDS: Name[] = [
  'startIndex',
  'count',
  'cursor',
  'sortBy',
  'sortOrder',
  'attributes',
  'excludedAttributes',
  'filter',
];

/** Issue 11 fuzz: query parameters (GET) and SearchRequest fields (POST /.search) never answer 5xx. */
describe('Fuzz: query parameters (e2e)', () => {
  let t: TestApp;
  let userId: string;

  beforeAll(async () => {
    t = await fuzzApp();
    for (let i = 0; i < 5; i++) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
        payload: JSON.stringify({ schemas: [USER_SCHEMA], userName: `query-${i}` }),
      });
      userId = response.json().id;
    }
  });
  afterAll(() => t.close());

  it(
    'GET lists, resources and discovery endpoints with any query string',
    async () => {
      const path = fc.constantFrom(
        '/scim/v2/Users',
        '/scim/v2/Groups',
        `/scim/v2/Users/${'ID'}`,
        '/scim/v2/Schemas',
        '/scim/v2/ResourceTypes',
        '/scim/v2/ServiceProviderConfig',
        '/scim/v2/Users/nope',
      );
      await fc.assert(
        fc.asyncProperty(path, queryString, async (p, query) => {
          const url = `${p.replace('ID', userId)}?${query}`;
          expectScimAnswer(await t.app.inject({ method: 'GET', url, headers: t.authHeader }), { url });
        }),
        fuzzParameters(3500),
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'POST /.search with any SearchRequest fields',
    async () => {
      const field = fc.oneof(
        fc
          .constantFrom(...SEARCH_FIELDS)
          .chain((name) =>
            fc.oneof(parameterValue[name], fc.jsonValue({ maxDepth: 2 })).map((v) => [name, v] as const),
          ),
        fc.tuple(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(field, { maxLength: 5 }), fc.boolean(), async (fields, withSchemas) => {
          const body: Record<string, unknown> = withSchemas ? { schemas: [SEARCH_REQUEST] } : {};
          for (const [name, value] of fields) {
            if (name !== '__proto__')
              body[name] =
                /^(startIndex|count)$/.test(name) && /^-?\d+$/.test(String(value)) ? Number(value) : value;
          }
          const response = await t.app.inject({
            method: 'POST',
            url: '/scim/v2/Users/.search',
            headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
            payload: JSON.stringify(body),
          });
          expectScimAnswer(response, { body });
        }),
        fuzzParameters(1500),
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
