import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { TestApp } from '../harness';
import {
  ENTERPRISE,
  ERROR_SCHEMA,
  GROUP_SCHEMA,
  Json,
  PATCH_SCHEMA,
  ScimClient,
  SCIM_JSON,
  startClient,
  USER_SCHEMA,
} from './protocol.helpers';

/** Enough runs to find shapes nobody thought of, few enough to keep the suite fast. */
const RUNS = { numRuns: 150 };

/**
 * Whatever a client sends, the answer is never a 5xx, and always SCIM JSON: an error body of RFC 7644 §3.12
 * for a 4xx, a resource or ListResponse otherwise (204 has no body).
 */
function expectWellFormed(response: LightMyRequestResponse): void {
  if (response.statusCode >= 500) {
    throw new Error(`${response.statusCode}: ${response.body}`);
  }
  if (response.statusCode === 204) {
    expect(response.body).toBe('');
    return;
  }
  expect(response.headers['content-type']).toMatch(SCIM_JSON);
  const body = response.json<Json>();
  if (response.statusCode >= 400) {
    expect(body.schemas).toEqual([ERROR_SCHEMA]);
    expect(body.status).toBe(String(response.statusCode));
    expect(typeof body.detail).toBe('string');
  } else {
    expect(Array.isArray(body.schemas)).toBe(true);
  }
}

// ---- generators ------------------------------------------------------------------------------------------

const attrPath = fc.oneof(
  fc.constantFrom(
    'userName',
    'USERNAME',
    'title',
    'active',
    'emails',
    'emails.value',
    'emails.type',
    'emails.primary',
    'name',
    'name.givenName',
    'meta.created',
    'meta.lastModified',
    'id',
    'externalId',
    'groups',
    'groups.value',
    'members',
    'password',
    'x509Certificates.value',
    `${ENTERPRISE}:manager`,
    `${ENTERPRISE}:manager.value`,
    `${ENTERPRISE}:department`,
    'urn:ietf:params:scim:schemas:extension:Custom:2.0:User:thing',
    '$where',
    '__proto__',
    'constructor',
    'emails[type eq "work"].value',
    'emails[type eq "work"]',
    'emails[value co "@"].display',
  ),
  fc.stringMatching(/^[A-Za-z$_][A-Za-z0-9_.:$-]{0,12}$/),
);

const literal = fc.oneof(
  fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
  fc.constantFrom(
    'true',
    'false',
    'null',
    '1',
    '-2.5',
    '1e400',
    '"2020-01-01T00:00:00Z"',
    '"\\u0000"',
    '".*"',
  ),
  fc.integer().map(String),
);

const op = fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'EQ', 'regex', 'in');

const filter: fc.Arbitrary<string> = fc.letrec<{ f: string }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(attrPath, op, literal).map(([a, o, v]) => `${a} ${o} ${v}`),
    attrPath.map((a) => `${a} pr`),
    fc.tuple(tie('f'), fc.constantFrom('and', 'or', 'AND'), tie('f')).map(([l, o, r]) => `${l} ${o} ${r}`),
    tie('f').map((f) => `not (${f})`),
    tie('f').map((f) => `(${f})`),
    fc
      .tuple(fc.constantFrom('emails', 'members', 'groups', 'addresses'), tie('f'))
      .map(([a, f]) => `${a}[${f}]`),
  ),
})).f;

/** Filters as the grammar allows them, and arbitrary text (incl. unbalanced brackets, quotes, control chars). */
const anyFilter = fc.oneof(
  filter,
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc
    .array(fc.constantFrom('(', ')', '[', ']', '"', ' ', 'not', 'and', 'eq', 'pr', 'x', '\\', '.'), {
      maxLength: 20,
    })
    .map((a) => a.join('')),
);

const jsonValue = fc.jsonValue({ maxDepth: 3 });

const anyValue = fc.oneof(
  jsonValue,
  fc.constantFrom('False', 'TRUE', '', null, [], {}, [
    { value: 'x', primary: true },
    { value: 'y', primary: true },
  ]),
  fc.record(
    { value: fc.oneof(fc.string(), jsonValue), type: fc.string({ maxLength: 5 }), primary: fc.boolean() },
    { requiredKeys: [] },
  ),
);

const patchOperation = fc.record(
  {
    op: fc.oneof(
      fc.constantFrom('add', 'replace', 'remove', 'Add', 'Replace', 'Remove'),
      fc.string({ maxLength: 6 }),
    ),
    path: fc.oneof(
      attrPath,
      anyFilter.map((f) => `emails[${f}].value`),
      fc.string({ maxLength: 20 }),
    ),
    value: fc.oneof(anyValue, fc.dictionary(attrPath, anyValue, { maxKeys: 3 })),
  },
  { requiredKeys: ['op'] },
);

const patchBody = fc.oneof(
  fc.record({
    schemas: fc.constant([PATCH_SCHEMA]),
    Operations: fc.array(patchOperation, { minLength: 1, maxLength: 4 }),
  }),
  fc.record(
    {
      schemas: fc.oneof(fc.constant([PATCH_SCHEMA]), jsonValue),
      Operations: fc.oneof(jsonValue, fc.array(jsonValue, { maxLength: 3 })),
    },
    { requiredKeys: [] },
  ),
  jsonValue,
);

const userBody = fc.oneof(
  fc
    .dictionary(attrPath, anyValue, { maxKeys: 6 })
    .map((attrs) => ({ schemas: [USER_SCHEMA, ENTERPRISE], ...attrs })),
  fc.record(
    {
      schemas: fc.oneof(fc.constant([USER_SCHEMA]), jsonValue),
      userName: fc.oneof(fc.string({ maxLength: 12 }), jsonValue),
      name: fc.oneof(
        fc.dictionary(fc.constantFrom('givenName', 'familyName', 'x', '$ref'), anyValue),
        jsonValue,
      ),
      emails: fc.oneof(fc.array(anyValue, { maxLength: 3 }), jsonValue),
      [ENTERPRISE]: fc.oneof(
        fc.dictionary(fc.constantFrom('manager', 'department', 'employeeNumber', 'nope'), anyValue),
        jsonValue,
      ),
      active: anyValue,
      password: anyValue,
    },
    { requiredKeys: [] },
  ),
  jsonValue,
);

describe('Robustness: arbitrary input never yields a 5xx (e2e)', () => {
  let t: TestApp;
  let scim: ScimClient;
  let userId: string;
  let groupId: string;

  beforeAll(async () => {
    // Hundreds of requests a second, on purpose: the per-credential limit (200/s by default, its own suite)
    // would answer some of them 429, which says nothing about how the server handles the input.
    ({ t, scim } = await startClient({ rateLimitPerSecond: 0 }));
    const user = await scim.createUser({
      userName: 'target',
      emails: [{ value: 'target@example.com', type: 'work', primary: true }],
      [ENTERPRISE]: { department: 'QA' },
    });
    userId = user.id;
    groupId = (await scim.createGroup({ displayName: 'target group', members: [{ value: userId }] })).id;
  });
  afterAll(() => t.close());

  it('GET /Users?filter=… answers 200 or a SCIM 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyFilter, async (f) => {
        expectWellFormed(await scim.query('/Users', { filter: f }));
      }),
      RUNS,
    );
  });

  it('GET /Groups?filter=… and sortBy / attributes answer 200 or a SCIM 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(anyFilter, attrPath, fc.string({ maxLength: 30 }), async (f, sortBy, attributes) => {
        expectWellFormed(
          await scim.query('/Groups', { filter: f, sortBy, attributes, excludedAttributes: attributes }),
        );
      }),
      RUNS,
    );
  });

  it('POST /.search with arbitrary SearchRequest fields answers 200 or a SCIM 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            filter: fc.oneof(anyFilter, jsonValue),
            startIndex: jsonValue,
            count: jsonValue,
            cursor: jsonValue,
            sortBy: jsonValue,
            attributes: jsonValue,
          },
          { requiredKeys: [] },
        ),
        async (fields) => {
          expectWellFormed(
            await scim.post('/.search', {
              schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
              ...fields,
            }),
          );
        },
      ),
      RUNS,
    );
  });

  it('PATCH /Users/{id} with arbitrary bodies answers 2xx or a SCIM 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(patchBody, async (body) => {
        expectWellFormed(await scim.patch(`/Users/${userId}`, body));
        // The user may have been changed, but must still be readable.
        expectWellFormed(await scim.get(`/Users/${userId}`));
      }),
      RUNS,
    );
  });

  it('PATCH /Groups/{id} with arbitrary bodies answers 2xx or a SCIM 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(patchBody, async (body) => {
        expectWellFormed(await scim.patch(`/Groups/${groupId}`, body));
      }),
      RUNS,
    );
    expectWellFormed(await scim.get(`/Groups/${groupId}`));
  });

  it('POST /Users with arbitrary bodies answers 201 or a SCIM 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(userBody, async (body) => {
        const response = await scim.post('/Users', body);
        expectWellFormed(response);
        if (response.statusCode === 201) {
          const id = response.json<Json>().id;
          expectWellFormed(await scim.get(`/Users/${id}`));
          expect((await scim.delete(`/Users/${id}`)).statusCode).toBe(204);
        }
      }),
      RUNS,
    );
  });

  it('PUT /Groups/{id} with arbitrary bodies answers 200 or a SCIM 4xx', async () => {
    const groupBody = fc.oneof(
      fc
        .dictionary(fc.constantFrom('displayName', 'members', 'externalId', 'schemas', 'id'), anyValue)
        .map((b) => ({
          schemas: [GROUP_SCHEMA],
          displayName: 'target group',
          ...b,
        })),
      jsonValue,
    );
    await fc.assert(
      fc.asyncProperty(groupBody, async (body) => {
        expectWellFormed(await scim.put(`/Groups/${groupId}`, body));
      }),
      RUNS,
    );
  });

  it('arbitrary strings as ids, query parameters and raw bodies answer a SCIM 4xx or success', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ maxLength: 80 }),
        async (id, raw) => {
          const path = `/Users/${encodeURIComponent(id)}`;
          expectWellFormed(await scim.get(`${path}?attributes=${encodeURIComponent(raw)}`));
          expectWellFormed(await scim.send('PATCH', path, raw));
          expectWellFormed(await scim.send('POST', '/Bulk', raw));
          expectWellFormed(await scim.query('/Users', { startIndex: raw, count: id, cursor: raw }));
        },
      ),
      RUNS,
    );
  });
});
