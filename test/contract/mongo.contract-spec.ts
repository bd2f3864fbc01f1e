import mongoose from 'mongoose';
import { createMongoStore } from '../../src/store/mongo/mongo-store.factory';
import { COLLECTIONS } from '../../src/store/mongo/mongo.schemas';
import { CONTRACT_MODEL } from './contract-model';
import { describeJournalContract } from './journal.contract';
import { describeRepositoryContract, StoreHarness } from './resource-repository.contract';
import { describeServerSecretRepositoryContract } from './server-secret-repository.contract';
import { describeSubscriptionRepositoryContract } from './subscription-repository.contract';
import { describeTenantRepositoryContract } from './tenant-repository.contract';

const uri = process.env.MONGODB_URI;
/** One database per run, emptied between tests and dropped at the end (index creation is the slow part). */
const dbName = `scim_stream_contract_${Date.now()}_${process.pid}`;

async function withConnection<T>(work: (connection: mongoose.Connection) => Promise<T>): Promise<T> {
  const connection = await mongoose.createConnection(uri!, { dbName }).asPromise();
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}

function mongoHarness(): StoreHarness {
  return {
    open: async () =>
      createMongoStore(await mongoose.createConnection(uri!, { dbName }).asPromise(), {
        model: CONTRACT_MODEL,
      }),
    destroy: () =>
      withConnection(async (connection) => {
        for (const name of Object.values(COLLECTIONS)) await connection.collection(name).deleteMany({});
      }),
  };
}

// A skipped suite must never be silent (house rule): say so loudly, here and in test/global-setup.js.
if (!uri) {
  console.warn(
    'MongoDB contract suite SKIPPED: MONGODB_URI not set (needs a replica set, e.g. mongodb://localhost:27017/?replicaSet=rs0)',
  );
}
const describeMongo = uri ? describe : describe.skip;

describeMongo('MongoDB store', () => {
  afterAll(() => withConnection((connection) => connection.dropDatabase().then(() => undefined)));

  describeRepositoryContract('MongoDB adapter (mongoose)', mongoHarness);
  describeJournalContract('MongoDB adapter (mongoose)', mongoHarness);
  describeTenantRepositoryContract('MongoDB adapter (mongoose)', mongoHarness);
  describeServerSecretRepositoryContract('MongoDB adapter (mongoose)', mongoHarness);
  describeSubscriptionRepositoryContract('MongoDB adapter (mongoose)', mongoHarness);

  // Replicas: two stores on their own connections to one database (the embedded store is one process).
  it('shares one generated secret between two stores racing on one database', async () => {
    const harness = mongoHarness();
    const [a, b] = await Promise.all([harness.open(), harness.open()]);
    try {
      const created = (value: string) => async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return value;
      };
      const [fromA, fromB] = await Promise.all([
        a.secrets.getOrCreate('cursor-key', created('a')),
        b.secrets.getOrCreate('cursor-key', created('b')),
      ]);

      expect(fromA).toBe(fromB);
    } finally {
      await Promise.all([a.health.close(), b.health.close()]);
      await harness.destroy();
    }
  });
});
