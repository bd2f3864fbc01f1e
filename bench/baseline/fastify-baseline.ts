/**
 * The bare-Fastify baseline of `npm run bench` (issue 12): the routes of bench/scenarios.ts, answering with the same
 * SCIM-shaped JSON as our server (the users are the very resources our server returned, dumped by bench/run.ts),
 * from in-memory Maps (baseline-data.ts), behind a bearer check and nothing else: no validation, no schema engine,
 * no logging, no metrics, no rate limiter. It is the ceiling a Node server on Fastify reaches on this machine;
 * `npm run bench` reports our figures as a ratio to it.
 *
 * Every write (POST, PATCH of a user, member change) is fsynced before the answer, one fsync per request
 * (baseline-data.ts, durableLog), to keep writes comparable with ours.
 *
 * Environment (set by bench/server.ts's startServer): PORT, HOST, SCIM_TOKEN, DATA_DIR (holding baseline-seed.json).
 */
import Fastify, { FastifyReply } from 'fastify';
import {
  authorize,
  FASTIFY_OPTIONS,
  HEALTH_PATH,
  loadBaseline,
  Outcome,
  parseScimJson,
  PatchBody,
  SCIM_BASE,
  SCIM_JSON,
} from './baseline-data';

const send = (reply: FastifyReply, outcome: Outcome) => {
  reply.code(outcome.status).type(SCIM_JSON);
  if (outcome.headers) reply.headers(outcome.headers);
  return outcome.body === undefined ? reply.send() : reply.send(outcome.body);
};

async function main(): Promise<void> {
  const { data, closeLog, expectedAuthorization, port, host } = await loadBaseline();

  const app = Fastify(FASTIFY_OPTIONS);
  app.addContentTypeParser(SCIM_JSON, { parseAs: 'string' }, parseScimJson);
  app.addHook('onRequest', async (request, reply) => {
    const refused = authorize(request.url, request.headers.authorization, expectedAuthorization);
    if (refused) return send(reply, refused);
  });
  app.get(HEALTH_PATH, async () => ({ status: 'ok' }));

  app.get<{ Params: { id: string } }>(`${SCIM_BASE}/Users/:id`, async (request, reply) =>
    send(reply, data.getUser(request.params.id)),
  );
  app.get<{ Querystring: Record<string, string | undefined> }>(`${SCIM_BASE}/Users`, async (request, reply) =>
    send(reply, data.listUsers(request.query)),
  );
  app.post<{ Body: Record<string, unknown> }>(`${SCIM_BASE}/Users`, async (request, reply) =>
    send(reply, await data.createUser(request.body)),
  );
  app.patch<{ Params: { id: string }; Body: PatchBody }>(`${SCIM_BASE}/Users/:id`, async (request, reply) =>
    send(reply, await data.patchUser(request.params.id, request.body)),
  );
  app.patch<{ Params: { id: string }; Body: PatchBody }>(`${SCIM_BASE}/Groups/:id`, async (request, reply) =>
    send(reply, await data.patchGroup(request.params.id, request.body)),
  );

  await app.listen({ port, host });
  const stop = () =>
    void app
      .close()
      .then(closeLog)
      .then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((e: unknown) => {
  process.stderr.write(`baseline failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
