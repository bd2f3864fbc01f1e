/**
 * The bare-Fastify baseline of `npm run bench` (issue 12): the routes of bench/scenarios.ts, answering with the same
 * SCIM-shaped JSON as our server (the users are the very resources our server returned, dumped by bench/run.ts),
 * from in-memory Maps, behind a bearer check and nothing else: no validation, no schema engine, no logging, no
 * metrics, no rate limiter. It is the ceiling a Node server on Fastify reaches on this machine; `npm run bench`
 * reports our figures as a ratio to it.
 *
 * Durability, to keep writes comparable with ours (every write fsynced before the acknowledgement): every write
 * (POST, PATCH of a user, member change) appends its resource as one JSON line to DATA_DIR/baseline.log and waits
 * for its own fdatasync (on libuv's thread pool, like ours) before answering. One fsync per request, no group
 * commit: the simple durable design the issue names as the limit of one fsync per request.
 *
 * Environment (set by bench/server.ts's startServer): PORT, HOST, SCIM_TOKEN, DATA_DIR (holding baseline-seed.json).
 */
import Fastify, { FastifyReply } from 'fastify';
import { open } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What bench/run.ts writes to DATA_DIR/baseline-seed.json. */
export interface BaselineSeed {
  users: Record<string, unknown>[];
  groups: { id: string; resource: Record<string, unknown>; members: string[] }[];
}

type Resource = Record<string, unknown> & { id: string; meta: Record<string, unknown> };
interface PatchBody {
  Operations?: { op: string; path?: string; value?: unknown }[];
}

const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const SCIM_JSON = 'application/scim+json';
const BASE = '/scim/v2';

async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR!;
  const expected = `Bearer ${process.env.SCIM_TOKEN}`;
  const seed = JSON.parse(readFileSync(join(dataDir, 'baseline-seed.json'), 'utf8')) as BaselineSeed;
  const users = new Map<string, Resource>();
  const byUserName = new Map<string, string>();
  const order: string[] = [];
  let sorted: string[] | undefined;
  const addUser = (user: Resource) => {
    users.set(user.id, user);
    byUserName.set(String(user.userName).toLowerCase(), user.id);
    order.push(user.id);
    sorted = undefined;
  };
  for (const user of seed.users) addUser(user as Resource);
  const groups = new Map(
    seed.groups.map((g) => [g.id, { resource: g.resource, members: new Set(g.members) }]),
  );

  const log = await open(join(dataDir, 'baseline.log'), 'a');
  const durably = async (resource: unknown) => {
    await log.write(`${JSON.stringify(resource)}\n`);
    await log.datasync();
  };
  const touch = (resource: Resource) => {
    const version = Number(/\d+/.exec(String(resource.meta.version))?.[0] ?? 0) + 1;
    resource.meta = { ...resource.meta, lastModified: new Date().toISOString(), version: `W/"${version}"` };
  };
  const send = (reply: FastifyReply, status: number, body?: unknown) => {
    reply.code(status).type(SCIM_JSON);
    return body === undefined ? reply.send() : reply.send(body);
  };
  const error = (reply: FastifyReply, status: number, detail: string) =>
    send(reply, status, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: String(status),
      detail,
    });
  const list = (resources: unknown[], total: number, startIndex: number) => ({
    schemas: [LIST_SCHEMA],
    totalResults: total,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  });

  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
  app.addContentTypeParser(SCIM_JSON, { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (e) {
      done(e as Error);
    }
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/health/ready') return;
    if (request.headers.authorization !== expected) return error(reply, 401, 'Authentication failed');
  });
  app.get('/health/ready', async () => ({ status: 'ok' }));

  app.get<{ Params: { id: string } }>(`${BASE}/Users/:id`, async (request, reply) => {
    const user = users.get(request.params.id);
    if (!user) return error(reply, 404, 'not found');
    reply.header('etag', user.meta.version);
    return send(reply, 200, user);
  });

  app.get<{ Querystring: Record<string, string | undefined> }>(`${BASE}/Users`, async (request, reply) => {
    const { filter, sortBy } = request.query;
    if (filter !== undefined) {
      const userName = /^userName eq "(.*)"$/i.exec(filter)?.[1];
      if (userName === undefined) return error(reply, 400, 'unsupported filter');
      const id = byUserName.get(userName.toLowerCase());
      const found = id ? [users.get(id)] : [];
      return send(reply, 200, list(found, found.length, 1));
    }
    const startIndex = Math.max(1, Number(request.query.startIndex ?? 1));
    const count = Math.max(0, Number(request.query.count ?? 100));
    let ids = order;
    if (sortBy === 'userName') {
      sorted ??= [...order].sort((a, b) =>
        String(users.get(a)!.userName).localeCompare(String(users.get(b)!.userName)),
      );
      ids = sorted;
    }
    const page = ids.slice(startIndex - 1, startIndex - 1 + count).map((id) => users.get(id));
    return send(reply, 200, list(page, ids.length, startIndex));
  });

  app.post<{ Body: Record<string, unknown> }>(`${BASE}/Users`, async (request, reply) => {
    const body = request.body;
    if (typeof body?.userName !== 'string') return error(reply, 400, 'userName is required');
    if (byUserName.has(body.userName.toLowerCase())) return error(reply, 409, 'userName is taken');
    const id = randomUUID();
    const now = new Date().toISOString();
    const user = {
      ...body,
      id,
      meta: {
        resourceType: 'User',
        created: now,
        lastModified: now,
        location: `${BASE}/Users/${id}`,
        version: 'W/"1"',
      },
    } as Resource;
    await durably(user);
    addUser(user);
    reply.header('location', user.meta.location).header('etag', user.meta.version);
    return send(reply, 201, user);
  });

  app.patch<{ Params: { id: string }; Body: PatchBody }>(`${BASE}/Users/:id`, async (request, reply) => {
    const user = users.get(request.params.id);
    if (!user) return error(reply, 404, 'not found');
    const changed = { ...user } as Resource;
    for (const op of request.body?.Operations ?? []) {
      if (op.op.toLowerCase() !== 'replace' || !op.path) return error(reply, 400, 'unsupported PATCH');
      changed[op.path] = op.value;
    }
    touch(changed);
    await durably(changed);
    users.set(changed.id, changed);
    reply.header('etag', changed.meta.version);
    return send(reply, 200, changed);
  });

  app.patch<{ Params: { id: string }; Body: PatchBody }>(`${BASE}/Groups/:id`, async (request, reply) => {
    const group = groups.get(request.params.id);
    if (!group) return error(reply, 404, 'not found');
    const adds: string[] = [];
    const removes: string[] = [];
    for (const op of request.body?.Operations ?? []) {
      const ids = (Array.isArray(op.value) ? op.value : []).map((m) =>
        String((m as { value: unknown }).value),
      );
      if (op.path !== 'members') return error(reply, 400, 'unsupported PATCH');
      if (op.op.toLowerCase() === 'add') adds.push(...ids);
      else if (op.op.toLowerCase() === 'remove') removes.push(...ids);
      else return error(reply, 400, 'unsupported PATCH');
    }
    if (adds.some((id) => !users.has(id))) return error(reply, 400, 'unknown member');
    touch(group.resource as Resource);
    await durably({ id: request.params.id, adds, removes });
    for (const id of removes) group.members.delete(id);
    for (const id of adds) group.members.add(id);
    return send(reply, 204);
  });

  await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
  const stop = () =>
    void app
      .close()
      .then(() => log.close())
      .then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main().catch((e: unknown) => {
  process.stderr.write(`baseline failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
