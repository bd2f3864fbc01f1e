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
import { trackEmbeddedStoreSize } from './embedded-store.metrics';
import { EmbeddedStore, EmbeddedStoreOptions, SQLITE_FILE_NAME } from './embedded.store';

/**
 * Opens the embedded store in `dataDir` (loading everything into memory) and returns its adapters; its size on
 * disk becomes the metric scim_embedded_store_bytes.
 */
export function openEmbeddedStore(dataDir: string, options: EmbeddedStoreOptions = {}): StoreAdapters {
  const store = EmbeddedStore.open(dataDir, options);
  trackEmbeddedStoreSize(join(dataDir, SQLITE_FILE_NAME));
  return {
    resources: new EmbeddedResourceRepository(store),
    memberships: new EmbeddedMembershipRepository(store),
    tenants: new EmbeddedTenantRepository(store),
    staticTokens: new EmbeddedStaticTokenRepository(store),
    oauthClients: new EmbeddedOAuthClientRepository(store),
    health: new EmbeddedStoreHealth(store),
    journal: new EmbeddedJournalRepository(store),
    secrets: new EmbeddedServerSecretRepository(store),
    subscriptions: new EmbeddedSubscriptionRepository(store),
  };
}
