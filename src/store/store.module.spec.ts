import { SchemaRegistryModule } from '../schemas/schema-registry.module';
import { MongoStoreModule } from './mongo/mongo-store.module';
import { StoreModule } from './store.module';
import { STORE_ADAPTERS } from './store-query.util';

function providesAdapters(module: ReturnType<typeof StoreModule.forRoot>): boolean {
  return (module.providers ?? []).some(
    (p) => typeof p === 'object' && 'provide' in p && p.provide === STORE_ADAPTERS,
  );
}

describe(StoreModule.name, () => {
  it('binds the embedded store, without any MongoDB module, when MONGODB_URI is unset', () => {
    const sut = StoreModule.forRoot({ mongodbUri: undefined });

    // The schema registry (for the document model) and nothing of MongoDB.
    expect(sut.imports).toEqual([SchemaRegistryModule]);
    expect(providesAdapters(sut)).toBe(true);
  });

  it('binds the MongoDB store through @nestjs/mongoose when MONGODB_URI is set', async () => {
    const sut = StoreModule.forRoot({ mongodbUri: 'mongodb://db.example:27017/scim?replicaSet=rs0' });

    expect(sut.imports?.[0]).toBe(SchemaRegistryModule);
    const mongo = await (sut.imports?.[1] as Promise<ReturnType<typeof MongoStoreModule.forRoot>>);
    expect(mongo.module).toBe(MongoStoreModule);
    expect(mongo.exports).toEqual([STORE_ADAPTERS]);
    // The registry's document model (unique indexes) and the @nestjs/mongoose connection.
    expect(mongo.imports).toHaveLength(2);
    expect(mongo.imports?.[0]).toBe(SchemaRegistryModule);
    expect(providesAdapters(sut)).toBe(false);
  });
});
