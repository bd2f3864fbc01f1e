import fc from 'fast-check';
import { TestApp } from '../harness';
import {
  expectScimAnswer,
  fuzzApp,
  fuzzParameters,
  FUZZ_TIMEOUT_MS,
  GROUP_SCHEMA,
  resourceBody,
  USER_SCHEMA,
} from './fuzz.helpers';

/** Issue 11 fuzz: POST and PUT bodies of Users and Groups never answer 5xx or a non-SCIM error. */
describe('Fuzz: resource bodies (e2e)', () => {
  let t: TestApp;
  let userUrl: string;
  let groupUrl: string;

  beforeAll(async () => {
    t = await fuzzApp();
    const post = async (url: string, body: unknown) =>
      (
        await t.app.inject({
          method: 'POST',
          url,
          headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
          payload: JSON.stringify(body),
        })
      ).json().id as string;
    userUrl = `/scim/v2/Users/${await post('/scim/v2/Users', { schemas: [USER_SCHEMA], userName: 'put-fuzz' })}`;
    groupUrl = `/scim/v2/Groups/${await post('/scim/v2/Groups', { schemas: [GROUP_SCHEMA], displayName: 'put-fuzz' })}`;
  });
  afterAll(() => t.close());

  it.each<['POST' | 'PUT', string[]]>([
    ['POST', ['Users', 'Groups']],
    ['PUT', ['user', 'group']],
  ])(
    '%s /Users, /Groups',
    async (method, targets) => {
      await fc.assert(
        fc.asyncProperty(resourceBody, fc.constantFrom(...targets), async (body, target) => {
          const url = target === 'user' ? userUrl : target === 'group' ? groupUrl : `/scim/v2/${target}`;
          const response = await t.app.inject({
            method,
            url,
            headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
            payload: JSON.stringify(body),
          });
          expectScimAnswer(response, { method, url, body });
        }),
        fuzzParameters(2000),
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
