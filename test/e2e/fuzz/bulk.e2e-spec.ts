import fc from 'fast-check';
import { TestApp } from '../harness';
import {
  expectScimAnswer,
  fuzzApp,
  fuzzParameters,
  FUZZ_TIMEOUT_MS,
  resourceBody,
  USER_SCHEMA,
} from './fuzz.helpers';

/** Issue 11 fuzz: Bulk requests (RFC 7644 §3.7) carrying odd operations never answer 5xx, nor any operation. */
describe('Fuzz: Bulk requests (e2e)', () => {
  let t: TestApp;
  let userUrl: string;

  beforeAll(async () => {
    t = await fuzzApp();
    const response = await t.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
      payload: JSON.stringify({ schemas: [USER_SCHEMA], userName: 'bulk-fuzz' }),
    });
    userUrl = `/scim/v2/Users/${response.json().id}`;
  });
  afterAll(() => t.close());

  it(
    'POST /Bulk',
    async () => {
      const operation = fc.record(
        {
          method: fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'post', 'x'),
          path: fc.constantFrom(
            '/Users',
            '/Groups',
            userUrl.replace('/scim/v2', ''),
            '/Users/bulkId:a',
            '/x',
            '',
          ),
          bulkId: fc.constantFrom('a', 'b', '', 'bulkId:a'),
          data: resourceBody,
          version: fc.string({ maxLength: 8 }),
        },
        { requiredKeys: ['method'] },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(operation, { maxLength: 3 }),
          fc.option(fc.integer({ min: -1, max: 3 })),
          async (Operations, failOnErrors) => {
            const body = {
              schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
              Operations,
              ...(failOnErrors === null ? {} : { failOnErrors }),
            };
            const response = await t.app.inject({
              method: 'POST',
              url: '/scim/v2/Bulk',
              headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
              payload: JSON.stringify(body),
            });
            expectScimAnswer(response, { body });
            if (response.statusCode === 200) {
              for (const result of response.json().Operations as {
                status: string;
                response?: { status: string };
              }[]) {
                expect(Number(result.status)).toBeLessThan(500);
              }
            }
          },
        ),
        fuzzParameters(1200),
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
