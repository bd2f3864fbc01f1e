import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedStore } from '../../src/store/embedded/embedded-store.factory';
import { CONTRACT_MODEL } from './contract-model';
import { describeJournalContract } from './journal.contract';
import { describeRepositoryContract, StoreHarness } from './resource-repository.contract';
import { describeServerSecretRepositoryContract } from './server-secret-repository.contract';
import { describeSubscriptionRepositoryContract } from './subscription-repository.contract';
import { describeTenantRepositoryContract } from './tenant-repository.contract';

/** The embedded store, on a fresh temporary DATA_DIR per test. */
function embeddedHarness(): StoreHarness {
  const dataDir = mkdtempSync(join(tmpdir(), 'scim-stream-contract-'));
  return {
    open: async () => openEmbeddedStore(dataDir, { model: CONTRACT_MODEL }),
    destroy: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

describeRepositoryContract('embedded store (mingo + SQLite)', embeddedHarness);
describeJournalContract('embedded store (mingo + SQLite)', embeddedHarness);
describeTenantRepositoryContract('embedded store (mingo + SQLite)', embeddedHarness);
describeServerSecretRepositoryContract('embedded store (mingo + SQLite)', embeddedHarness);
describeSubscriptionRepositoryContract('embedded store (mingo + SQLite)', embeddedHarness);
