import { guardAdapters, StorageCondition } from '../storage-failure';
import { StoreAdapters } from '../store-query.util';
import { EmbeddedJournalRepository } from './embedded-journal.repository';
import { EmbeddedMembershipRepository } from './embedded-membership.repository';
import { EmbeddedResourceRepository } from './embedded-resource.repository';
import { EmbeddedServerSecretRepository } from './embedded-server-secret.repository';
import { EmbeddedStoreHealth } from './embedded-store.health';
import { EmbeddedSubscriptionRepository } from './embedded-subscription.repository';
import { EmbeddedOAuthClientRepository } from './embedded-oauth-client.repository';
import { EmbeddedStaticTokenRepository } from './embedded-static-token.repository';
import { EmbeddedTenantRepository } from './embedded-tenant.repository';
import { join } from 'node:path';
import { observeWalFlushes, trackEmbeddedStoreSize } from './embedded-store.metrics';
import { EmbeddedStore, EmbeddedStoreOptions, SQLITE_FILE_NAME } from './embedded.store';
import { sqliteStorageFailure } from './sqlite-storage-failure';

/**
 * Opens the embedded store in `dataDir` (loading everything into memory) and returns its adapters; its size on
 * disk becomes the metric scim_embedded_store_bytes, its WAL flushes the scim_embedded_store_wal_* metrics.
 */
export function openEmbeddedStore(dataDir: string, options: EmbeddedStoreOptions = {}): StoreAdapters {
  const condition = new StorageCondition();
  const store = EmbeddedStore.open(dataDir, { onWalFlush: observeWalFlushes(), ...options, condition });
  trackEmbeddedStoreSize(join(dataDir, SQLITE_FILE_NAME));
  return embeddedAdapters(store, condition);
}

/**
 * The adapters of an open store. A full disk, read-only data files or an I/O error become 503 with Retry-After
 * (StorageUnavailableError) and set `condition`, which fails readiness until a probe write succeeds.
 */
export function embeddedAdapters(store: EmbeddedStore, condition: StorageCondition): StoreAdapters {
  return guardAdapters(
    {
      resources: new EmbeddedResourceRepository(store),
      memberships: new EmbeddedMembershipRepository(store),
      tenants: new EmbeddedTenantRepository(store),
      staticTokens: new EmbeddedStaticTokenRepository(store),
      oauthClients: new EmbeddedOAuthClientRepository(store),
      health: new EmbeddedStoreHealth(store, condition),
      journal: new EmbeddedJournalRepository(store),
      secrets: new EmbeddedServerSecretRepository(store),
      subscriptions: new EmbeddedSubscriptionRepository(store),
    },
    sqliteStorageFailure,
    condition,
  );
}
