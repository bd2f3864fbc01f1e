import { randomUUID } from 'node:crypto';
import { DEFAULT_TENANT_ID } from '../src/auth/token-bootstrap.service';
import { createRegistry } from '../src/scim/schema/core-schemas';
import { validateResource } from '../src/scim/schema/resource.validator';
import { SchemaRegistry } from '../src/scim/schema/schema.registry';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../src/scim/schema/schema-urns';
import { EmbeddedStore } from '../src/store/embedded/embedded.store';
import { DocumentModel } from '../src/scim/document/document-model';
import { ResourceDocument } from '../src/scim/document/resource-document';

export interface SeedOptions {
  users: number;
  groups: number;
  /** Members of the "big" group (the first N users). */
  bigGroupMembers: number;
  /** Members of the "small" group (the first N users). */
  smallGroupMembers: number;
}

export interface SeedResult {
  /** Ids of the seeded users; userIds[i] has userName `user-${i}`. */
  userIds: string[];
  groupIds: string[];
  bigGroupId: string;
  smallGroupId: string;
  seconds: number;
}

/** Rows per SQLite transaction: one commit per batch instead of one fsync per row. */
const BATCH = 5000;

/** What an Entra-provisioned user typically carries (docs/entra.md §4.1), numbered. */
export function userBody(n: number | string): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
    userName: `user-${n}`,
    externalId: `ext-${n}`,
    active: true,
    displayName: `User ${n}`,
    title: 'Engineer',
    name: { givenName: `Given${n}`, familyName: `Family${n}`, formatted: `Given${n} Family${n}` },
    emails: [{ value: `user-${n}@bench.example.com`, type: 'work', primary: true }],
    addresses: [{ type: 'work', locality: 'Paris', country: 'FR', primary: true }],
    [ENTERPRISE_USER_SCHEMA]: { department: `dept-${Number(n) % 50}`, employeeNumber: String(n) },
  };
}

/** The stored document ResourceWriter.create() would write for this body (validation included). */
function documentOf(
  registry: SchemaRegistry,
  model: DocumentModel,
  resourceType: string,
  body: unknown,
): ResourceDocument {
  const validated = validateResource(registry, resourceType, body, { mode: 'create' });
  return model.newDocument(
    DEFAULT_TENANT_ID,
    resourceType,
    randomUUID(),
    validated.attributes,
    validated.schemas,
  );
}

/**
 * Fills a fresh DATA_DIR through the embedded store's own prepared statements, in large transactions and with
 * synchronous=NORMAL (this connection only: the server reopens the file with FULL). Going through HTTP would
 * take minutes for 200,000 rows; the documents are built exactly as ResourceWriter.create() builds them.
 *
 * An adapter-level bulk import, deliberately not on the ports (whose only write is commit(), journalled):
 * used by the bench alone, on a DATA_DIR no server is running on, and it writes no journal entries, so the
 * seeded resources are not in the change journal (no consumer of this DATA_DIR expects them to be).
 * ResourceRepository.commit would cost one transaction and one fsync per resource.
 */
export function seed(dataDir: string, options: SeedOptions): SeedResult {
  const started = process.hrtime.bigint();
  const registry = createRegistry();
  const model = new DocumentModel(registry);
  const store = EmbeddedStore.open(dataDir, { synchronous: 'NORMAL' });
  try {
    const { insertResource, insertMembership } = store.statements;
    const insertDocs = (docs: ResourceDocument[]) =>
      store.transaction(() => {
        for (const doc of docs) insertResource.run(doc._tenant, doc._type, doc.id, JSON.stringify(doc));
      });

    const userIds: string[] = [];
    for (let from = 0; from < options.users; from += BATCH) {
      const docs: ResourceDocument[] = [];
      for (let n = from; n < Math.min(from + BATCH, options.users); n++) {
        docs.push(documentOf(registry, model, 'User', userBody(n)));
      }
      insertDocs(docs);
      userIds.push(...docs.map((d) => d.id));
    }

    const groups: ResourceDocument[] = [];
    for (let n = 0; n < options.groups; n++) {
      groups.push(
        documentOf(registry, model, 'Group', { schemas: [GROUP_SCHEMA], displayName: `group-${n}` }),
      );
    }
    insertDocs(groups);
    const groupIds = groups.map((g) => g.id);
    const [bigGroupId, smallGroupId] = groupIds;

    const addMembers = (groupId: string, count: number) => {
      for (let from = 0; from < count; from += BATCH) {
        store.transaction(() => {
          for (let n = from; n < Math.min(from + BATCH, count); n++) {
            insertMembership.run(DEFAULT_TENANT_ID, groupId, userIds[n], 'User');
          }
        });
      }
    };
    addMembers(bigGroupId, options.bigGroupMembers);
    addMembers(smallGroupId, options.smallGroupMembers);

    return {
      userIds,
      groupIds,
      bigGroupId,
      smallGroupId,
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
    };
  } finally {
    store.close();
  }
}
