import { Schema, SchemaOptions } from 'mongoose';
import { DocumentModel } from '../../scim/document/document-model';

/** Collection names. All resource types share one collection, keyed by `_tenant` and `_type`. */
export const COLLECTIONS = {
  resources: 'resources',
  memberships: 'memberships',
  tenants: 'tenants',
  tokens: 'tokens',
  oauthClients: 'oauth_clients',
  journal: 'journal',
  journalCounters: 'journal_counters',
  serverSecrets: 'server_secrets',
  // The change stream's subscriptions (mongo-subscription.repository.ts creates their indexes).
  subscriptions: 'subscriptions',
  subscriptionLeases: 'subscription_leases',
  deliveryAttempts: 'delivery_attempts',
  deadLetters: 'dead_letters',
} as const;

/**
 * Documents are stored as the engine shaped them: no casting of undeclared paths (`strict: false`, filters
 * passed through as written with `strictQuery: false`), empty objects kept (`minimize: false`), no `__v`.
 * Collections are created up front (a transaction cannot always create one). Indexes are created explicitly
 * at startup (createMongoStore), not in the background by autoIndex, so the
 * uniqueness guarantees hold before the first request is served.
 */
const FREE_FORM: SchemaOptions = {
  strict: false,
  strictQuery: false,
  minimize: false,
  versionKey: false,
  autoIndex: false,
  autoCreate: true,
};

export interface IndexDefinition {
  fields: Record<string, 1 | -1>;
  options: { name: string; unique?: boolean; partialFilterExpression?: Record<string, unknown> };
}

/**
 * The indexes every deployment has. The unique indexes depend on the schema registry (DocumentModel) and are
 * declared by uniqueResourceIndexes below.
 */
export const RESOURCE_INDEXES: readonly IndexDefinition[] = [
  { fields: { _tenant: 1, _type: 1, id: 1 }, options: { name: 'tenant_type_id', unique: true } },
  // displayName lookups on types where it is not unique (User) use this one.
  { fields: { _tenant: 1, '_ci.displayName': 1, _type: 1 }, options: { name: 'tenant_displayName' } },
  { fields: { _tenant: 1, _type: 1, externalId: 1 }, options: { name: 'tenant_type_externalId' } },
  { fields: { _tenant: 1, _type: 1, '_ci.emails': 1 }, options: { name: 'tenant_type_emails' } },
  // Sorted pages (RFC 7644 §3.4.2.3) on the fields nativeSortStage (mongo-query.builder.ts) sorts natively: the
  // index walks the order, instead of sorting every match per page. Unique fields sort with id in their own
  // direction, so each serves both directions (the partial unique indexes above need `$exists` in the query).
  // meta.* tie by id ascending: these serve ascending; descending still sorts natively, but in memory.
  {
    fields: { _tenant: 1, _type: 1, '_ci.userName': 1, id: 1 },
    options: { name: 'tenant_type_userName_id' },
  },
  {
    fields: { _tenant: 1, _type: 1, '_ci.displayName': 1, id: 1 },
    options: { name: 'tenant_type_displayName_id' },
  },
  { fields: { _tenant: 1, _type: 1, 'meta.created': 1, id: 1 }, options: { name: 'tenant_type_created_id' } },
  {
    fields: { _tenant: 1, _type: 1, 'meta.lastModified': 1, id: 1 },
    options: { name: 'tenant_type_lastModified_id' },
  },
];

export const MEMBERSHIP_INDEXES: readonly IndexDefinition[] = [
  { fields: { _tenant: 1, groupId: 1, memberId: 1 }, options: { name: 'tenant_group_member', unique: true } },
  { fields: { _tenant: 1, memberId: 1 }, options: { name: 'tenant_member' } },
];

export const TENANT_INDEXES: readonly IndexDefinition[] = [
  { fields: { id: 1 }, options: { name: 'id_unique', unique: true } },
];

export const TOKEN_INDEXES: readonly IndexDefinition[] = [
  { fields: { id: 1 }, options: { name: 'id_unique', unique: true } },
  { fields: { hash: 1 }, options: { name: 'hash_unique', unique: true } },
  { fields: { tenantId: 1, createdAt: 1 }, options: { name: 'tenant_createdAt' } },
];

export const OAUTH_CLIENT_INDEXES: readonly IndexDefinition[] = [
  { fields: { clientId: 1 }, options: { name: 'clientId_unique', unique: true } },
  { fields: { tenantId: 1, createdAt: 1 }, options: { name: 'tenant_createdAt' } },
];

/**
 * The change journal: one entry per (tenant, seq). Retention is a TTL index on `time` whose period comes from
 * the configuration, so it is created by ensureJournalRetention (mongo-journal.repository.ts), not here.
 * `journal_counters` holds one document per tenant (`_id` = tenant id) and needs no index of its own.
 */
export const JOURNAL_INDEXES: readonly IndexDefinition[] = [
  { fields: { tenantId: 1, seq: 1 }, options: { name: 'tenant_seq_unique', unique: true } },
];

/**
 * One unique index per unique attribute of the model (uniqueness "server"/"global", RFC 7643 §2.2), per tenant,
 * on its `_ci` shadow: lower-cased unless the attribute is caseExact, so the index compares as RFC 7643 §2.2
 * says. Partial filters restrict each to its resource type (a User's displayName is not unique) and to documents
 * that have the shadow, because a unique index would otherwise treat every document without it as one more
 * `null`. The names of the core ones (`tenant_user_userName_unique`, `tenant_group_displayName_unique`) are
 * those of the releases that declared them by hand, so existing databases keep their indexes.
 */
export function uniqueResourceIndexes(model: DocumentModel): IndexDefinition[] {
  return model.allUniqueAttributes().map(({ resourceType, shadow }) => {
    const field = `_ci.${shadow}`;
    return {
      fields: { _tenant: 1, _type: 1, [field]: 1 },
      options: {
        name: `tenant_${resourceType.toLowerCase()}_${shadow.replace(/[^A-Za-z0-9]+/g, '_')}_unique`,
        unique: true,
        partialFilterExpression: { _type: resourceType, [field]: { $exists: true } },
      },
    };
  });
}

function schemaWith(collection: string, indexes: readonly IndexDefinition[]): Schema {
  const schema = new Schema({}, { ...FREE_FORM, collection });
  for (const { fields, options } of indexes) schema.index(fields, options);
  return schema;
}

export function resourceSchema(): Schema {
  return schemaWith(COLLECTIONS.resources, RESOURCE_INDEXES);
}

export function membershipSchema(): Schema {
  return schemaWith(COLLECTIONS.memberships, MEMBERSHIP_INDEXES);
}

export function tenantSchema(): Schema {
  return schemaWith(COLLECTIONS.tenants, TENANT_INDEXES);
}

export function tokenSchema(): Schema {
  return schemaWith(COLLECTIONS.tokens, TOKEN_INDEXES);
}

export function oauthClientSchema(): Schema {
  return schemaWith(COLLECTIONS.oauthClients, OAUTH_CLIENT_INDEXES);
}

export function journalSchema(): Schema {
  return schemaWith(COLLECTIONS.journal, JOURNAL_INDEXES);
}

export function journalCounterSchema(): Schema {
  // `_id` is the tenant id (a string), not an ObjectId.
  const schema = schemaWith(COLLECTIONS.journalCounters, []);
  schema.add({ _id: String });
  return schema;
}

/** Secrets the server generates for itself: one document per name (`_id` = the name, a string), no index. */
export function serverSecretSchema(): Schema {
  const schema = schemaWith(COLLECTIONS.serverSecrets, []);
  schema.add({ _id: String });
  return schema;
}
