import fc from 'fast-check';
import { TestApp } from '../harness';
import {
  attributeName,
  ENTERPRISE,
  expectScimAnswer,
  fuzzApp,
  fuzzParameters,
  FUZZ_TIMEOUT_MS,
  GROUP_SCHEMA,
  jsonValue,
  PATCH_OP,
  USER_SCHEMA,
} from './fuzz.helpers';

const path = fc.oneof(
  { weight: 4, arbitrary: attributeName },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('emails', 'members', 'addresses', 'phoneNumbers', 'roles', 'name', 'x'),
        fc.constantFrom(
          'type eq "work"',
          'value eq "x"',
          'primary eq true',
          'value pr',
          'bogus',
          '',
          'type eq',
        ),
        fc.option(fc.constantFrom('.value', '.type', '.primary', '.display', '.x'), { nil: '' }),
      )
      .map(([a, f, sub]) => `${a}[${f}]${sub}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', ' ', '[', 'emails[', 'emails]', 'a..b', 'urn:', `${ENTERPRISE}:`),
  },
);

const operation = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record(
      {
        op: fc.constantFrom('add', 'replace', 'remove', 'Add', 'REPLACE', 'move', '', 1),
        path,
        value: fc.oneof(
          jsonValue,
          fc.dictionary(attributeName, jsonValue, { maxKeys: 4 }),
          fc.array(fc.record({ value: fc.oneof(fc.string(), jsonValue) }, { requiredKeys: [] }), {
            maxLength: 3,
          }),
        ),
      },
      { requiredKeys: ['op'] },
    ),
  },
  { weight: 1, arbitrary: jsonValue },
);

const patchBody = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .array(operation, { maxLength: 4 })
      .map((Operations) => ({ schemas: [PATCH_OP], Operations })),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        schemas: fc.oneof(fc.constant([PATCH_OP]), jsonValue),
        Operations: fc.oneof(jsonValue, fc.array(operation)),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: jsonValue },
);

/** Issue 11 fuzz: PATCH bodies on a User and a Group never answer 5xx or a non-SCIM error. */
describe('Fuzz: PATCH bodies (e2e)', () => {
  let t: TestApp;
  const targets: string[] = [];

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
    const user = await post('/scim/v2/Users', {
      schemas: [USER_SCHEMA, ENTERPRISE],
      userName: 'patch-fuzz',
      emails: [{ value: 'a@example.com', type: 'work', primary: true }],
      [ENTERPRISE]: { employeeNumber: '7' },
    });
    const group = await post('/scim/v2/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'patch-fuzz',
      members: [{ value: user }],
    });
    targets.push(`/scim/v2/Users/${user}`, `/scim/v2/Groups/${group}`);
  });
  afterAll(() => t.close());

  it.each([
    ['/Users/:id', 0],
    ['/Groups/:id', 1],
  ])(
    'PATCH %s',
    async (_label, which) => {
      await fc.assert(
        fc.asyncProperty(patchBody, async (body) => {
          const url = targets[which];
          const response = await t.app.inject({
            method: 'PATCH',
            url,
            headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
            payload: JSON.stringify(body),
          });
          expectScimAnswer(response, { url, body });
        }),
        fuzzParameters(2500),
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
