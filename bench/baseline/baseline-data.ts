/**
 * The data and the route logic shared by the two baselines of `npm run bench` (issue 12): the bare Fastify one
 * (fastify-baseline.ts) and the minimal Nest one (nest-floor.ts). Both serve the very users our server returned
 * (dumped by bench/run.ts into DATA_DIR/baseline-seed.json) from in-memory Maps, and answer each route with the
 * same outcome, so that the only difference between the two is the framework around it.
 *
 * Pure but for the durability callback: `durably` is where each write goes before it is acknowledged (the
 * baselines append one JSON line and fdatasync it, see durableLog), so the spec can run every route in memory.
 */
import { open } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What bench/run.ts writes to DATA_DIR/baseline-seed.json. */
export interface BaselineSeed {
  users: Record<string, unknown>[];
  groups: { id: string; resource: Record<string, unknown>; members: string[] }[];
}

/** What a route answers: the status, the JSON body (none for 204) and the headers beyond the content type. */
export interface Outcome {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Resource = Record<string, unknown> & { id: string; meta: Record<string, unknown> };
export interface PatchBody {
  Operations?: { op: string; path?: string; value?: unknown }[];
}

export const SCIM_JSON = 'application/scim+json';
export const SCIM_BASE = '/scim/v2';
export const HEALTH_PATH = '/health/ready';
/** The seed file in a baseline's DATA_DIR. */
export const BASELINE_SEED_FILE = 'baseline-seed.json';
const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** The Fastify options both baselines run with: no logger, our server's default body limit. */
export const FASTIFY_OPTIONS = { logger: false, bodyLimit: 1 << 20 } as const;

/** Fastify's body parser for `application/scim+json`, the content type SCIM clients send (RFC 7644 §3.1). */
export function parseScimJson(
  _request: unknown,
  body: string | Buffer,
  done: (e: Error | null, v?: unknown) => void,
) {
  try {
    done(null, JSON.parse(body as string));
  } catch (e) {
    done(e as Error);
  }
}

export const errorOutcome = (status: number, detail: string): Outcome => ({
  status,
  body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), detail },
});

/** The answer to a request without the expected bearer token; undefined when it may pass. */
export function authorize(
  url: string,
  authorization: string | undefined,
  expected: string,
): Outcome | undefined {
  if (url === HEALTH_PATH || authorization === expected) return undefined;
  return errorOutcome(401, 'Authentication failed');
}

const list = (resources: unknown[], total: number, startIndex: number) => ({
  schemas: [LIST_SCHEMA],
  totalResults: total,
  startIndex,
  itemsPerPage: resources.length,
  Resources: resources,
});

const touch = (resource: Resource) => {
  const version = Number(/\d+/.exec(String(resource.meta.version))?.[0] ?? 0) + 1;
  resource.meta = { ...resource.meta, lastModified: new Date().toISOString(), version: `W/"${version}"` };
};

/**
 * The users and groups of a baseline, and what each route of bench/scenarios.ts answers. Only what the scenarios
 * send is understood (a `userName eq` filter, PATCH replace of a user attribute, member add/remove of a group);
 * anything else is a 400, which the bench's shape check would report.
 */
export class BaselineData {
  private readonly users = new Map<string, Resource>();
  private readonly byUserName = new Map<string, string>();
  private readonly order: string[] = [];
  private sorted: string[] | undefined;
  private readonly groups: Map<string, { resource: Resource; members: Set<string> }>;

  constructor(
    seed: BaselineSeed,
    private readonly durably: (record: unknown) => Promise<void>,
  ) {
    for (const user of seed.users) this.addUser(user as Resource);
    this.groups = new Map(
      seed.groups.map((g) => [g.id, { resource: g.resource as Resource, members: new Set(g.members) }]),
    );
  }

  private addUser(user: Resource) {
    this.users.set(user.id, user);
    this.byUserName.set(String(user.userName).toLowerCase(), user.id);
    this.order.push(user.id);
    this.sorted = undefined;
  }

  getUser(id: string): Outcome {
    const user = this.users.get(id);
    if (!user) return errorOutcome(404, 'not found');
    return { status: 200, body: user, headers: { etag: String(user.meta.version) } };
  }

  listUsers(query: Record<string, string | undefined>): Outcome {
    const { filter, sortBy } = query;
    if (filter !== undefined) {
      const userName = /^userName eq "(.*)"$/i.exec(filter)?.[1];
      if (userName === undefined) return errorOutcome(400, 'unsupported filter');
      const id = this.byUserName.get(userName.toLowerCase());
      const found = id ? [this.users.get(id)] : [];
      return { status: 200, body: list(found, found.length, 1) };
    }
    const startIndex = Math.max(1, Number(query.startIndex ?? 1));
    const count = Math.max(0, Number(query.count ?? 100));
    let ids = this.order;
    if (sortBy === 'userName') {
      this.sorted ??= [...this.order].sort((a, b) =>
        String(this.users.get(a)!.userName).localeCompare(String(this.users.get(b)!.userName)),
      );
      ids = this.sorted;
    }
    const page = ids.slice(startIndex - 1, startIndex - 1 + count).map((id) => this.users.get(id));
    return { status: 200, body: list(page, ids.length, startIndex) };
  }

  async createUser(body: Record<string, unknown> | undefined): Promise<Outcome> {
    if (typeof body?.userName !== 'string') return errorOutcome(400, 'userName is required');
    if (this.byUserName.has(body.userName.toLowerCase())) return errorOutcome(409, 'userName is taken');
    const id = randomUUID();
    const now = new Date().toISOString();
    const user = {
      ...body,
      id,
      meta: {
        resourceType: 'User',
        created: now,
        lastModified: now,
        location: `${SCIM_BASE}/Users/${id}`,
        version: 'W/"1"',
      },
    } as Resource;
    await this.durably(user);
    this.addUser(user);
    return {
      status: 201,
      body: user,
      headers: { location: String(user.meta.location), etag: String(user.meta.version) },
    };
  }

  async patchUser(id: string, body: PatchBody | undefined): Promise<Outcome> {
    const user = this.users.get(id);
    if (!user) return errorOutcome(404, 'not found');
    const changed = { ...user } as Resource;
    for (const op of body?.Operations ?? []) {
      if (op.op.toLowerCase() !== 'replace' || !op.path) return errorOutcome(400, 'unsupported PATCH');
      changed[op.path] = op.value;
    }
    touch(changed);
    await this.durably(changed);
    this.users.set(changed.id, changed);
    return { status: 200, body: changed, headers: { etag: String(changed.meta.version) } };
  }

  async patchGroup(id: string, body: PatchBody | undefined): Promise<Outcome> {
    const group = this.groups.get(id);
    if (!group) return errorOutcome(404, 'not found');
    const adds: string[] = [];
    const removes: string[] = [];
    for (const op of body?.Operations ?? []) {
      const ids = (Array.isArray(op.value) ? op.value : []).map((m) =>
        String((m as { value: unknown }).value),
      );
      if (op.path !== 'members') return errorOutcome(400, 'unsupported PATCH');
      if (op.op.toLowerCase() === 'add') adds.push(...ids);
      else if (op.op.toLowerCase() === 'remove') removes.push(...ids);
      else return errorOutcome(400, 'unsupported PATCH');
    }
    if (adds.some((member) => !this.users.has(member))) return errorOutcome(400, 'unknown member');
    touch(group.resource);
    await this.durably({ id, adds, removes });
    for (const member of removes) group.members.delete(member);
    for (const member of adds) group.members.add(member);
    return { status: 204 };
  }
}

/**
 * Durability, to keep writes comparable with ours (every write fsynced before the acknowledgement): each record
 * is appended as one JSON line to DATA_DIR/baseline.log and waits for its own fdatasync (on libuv's thread pool,
 * like ours). One fsync per request, no group commit: the simple durable design the issue names as the limit.
 */
export async function durableLog(dataDir: string) {
  const file = await open(join(dataDir, 'baseline.log'), 'a');
  return {
    durably: async (record: unknown) => {
      await file.write(`${JSON.stringify(record)}\n`);
      await file.datasync();
    },
    close: () => file.close(),
  };
}

/** The environment bench/server.ts's startServer gives a baseline: its data, token and address. */
export async function loadBaseline() {
  const dataDir = process.env.DATA_DIR!;
  const seed = JSON.parse(readFileSync(join(dataDir, BASELINE_SEED_FILE), 'utf8')) as BaselineSeed;
  const log = await durableLog(dataDir);
  return {
    data: new BaselineData(seed, log.durably),
    closeLog: log.close,
    expectedAuthorization: `Bearer ${process.env.SCIM_TOKEN}`,
    port: Number(process.env.PORT),
    host: process.env.HOST ?? '127.0.0.1',
  };
}
