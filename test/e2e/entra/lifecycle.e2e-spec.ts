import {
  buildEntraRequest,
  captureVars,
  checkEntraResponse,
  EntraDialect,
  entraExtras,
  entraLifecycle,
  EntraStep,
} from '../../fixtures/entra/fixtures';
import { createTestApp, TEST_TOKEN, TestApp } from '../harness';

/** Where the SCIM endpoints are mounted: the "Tenant URL" an admin enters in Entra (docs/entra.md §2). */
const SCIM_BASE = '/scim/v2';
/** BASE_URL of the app under test, so that $ref and meta.location are predictable. */
const ORIGIN = 'https://scim.example.com';

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Replays Entra ID's whole provisioning life cycle (docs/entra.md §13) from the recorded fixtures, once per PATCH
 * dialect (§5), each on a fresh server: Test Connection → initial cycle (match, create, manager pass, groups,
 * members) → incremental changes → disable → re-enable → rename → member removal → delete. Every step checks
 * status and body with the fixture loader; the steps share state (ids captured from earlier answers), so each
 * dialect is one test that names the failing step.
 */
interface Replay {
  failures: string[];
  steps: number;
}

/** Sends each step in order, substituting and capturing variables; collects one message per broken step. */
async function replay(t: TestApp, steps: EntraStep[]): Promise<Replay> {
  const vars: Record<string, string> = { token: TEST_TOKEN, baseUrl: `${ORIGIN}${SCIM_BASE}` };
  const failures: string[] = [];
  for (const [n, { file, fixture }] of steps.entries()) {
    const request = buildEntraRequest(fixture, vars, SCIM_BASE);
    const response = await t.app.inject({
      method: request.method,
      url: request.url,
      headers: request.headers,
      ...(request.body === undefined ? {} : { payload: JSON.stringify(request.body) }),
    });
    const body = parseBody(response.body);
    const problems = checkEntraResponse(fixture, { status: response.statusCode, body }, vars);
    if (problems.length > 0) {
      failures.push(
        `step ${n + 1} ${file} (${request.method} ${request.url}):\n  ${problems.join('\n  ')}\n  body: ${response.body.slice(0, 600)}`,
      );
      // Later steps depend on ids captured here: stop at the first broken step that captures.
      if (fixture.capture) break;
      continue;
    }
    Object.assign(vars, captureVars(fixture, body));
  }
  return { failures, steps: steps.length };
}

/**
 * Replays Entra ID's whole provisioning life cycle (docs/entra.md §13) from the recorded fixtures, once per PATCH
 * dialect (§5), each on a fresh server: Test Connection → initial cycle (match, create, manager pass, groups,
 * members) → incremental changes → disable → re-enable → rename → member removal → delete. Every step checks
 * status and body with the fixture loader; the steps share state (ids captured from earlier answers), so each
 * dialect is one test that names every failing step.
 */
describe('Entra ID life cycle replay (e2e)', () => {
  const dialects: EntraDialect[] = ['default', 'aadOptscim062020'];

  describe.each(dialects)('dialect %s', (dialect) => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ baseUrl: ORIGIN });
    });
    afterAll(() => t.close());

    it('answers every step of the life cycle as Entra expects', async () => {
      const result = await replay(t, entraLifecycle(dialect));

      expect(result.steps).toBeGreaterThan(40);
      expect(result.failures).toEqual([]);
    });
  });

  describe('legacy, optional and gallery-only exchanges', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ baseUrl: ORIGIN });
    });
    afterAll(() => t.close());

    it('answers every extra exchange (unquoted legacy filters, explicit nulls, /Schemas, …) as recorded', async () => {
      const result = await replay(t, entraExtras());

      expect(result.steps).toBeGreaterThan(5);
      expect(result.failures).toEqual([]);
    });
  });
});
