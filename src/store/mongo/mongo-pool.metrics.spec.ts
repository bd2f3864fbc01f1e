import { EventEmitter } from 'node:events';
import { MongoServerSelectionError } from 'mongodb';
import { Registry } from 'prom-client';
import { ResourceRepository } from '../ports';
import {
  countServerSelectionFailures,
  instrumentMongoClient,
  instrumentMongoStore,
  mongoMetrics,
} from './mongo-pool.metrics';

/** The driver's events as a MongoClient emits them; the metrics must follow from the events alone. */
describe('MongoDB pool metrics', () => {
  let registry: Registry;
  let client: EventEmitter;

  beforeEach(() => {
    registry = new Registry();
    client = new EventEmitter();
  });

  const value = async (name: string) => (await registry.getSingleMetricAsString(name)).split('\n');

  it('follows check-outs, check-ins, waits and failures', async () => {
    const metrics = mongoMetrics(registry);
    instrumentMongoClient(client, metrics, 50);

    for (let i = 0; i < 3; i++) client.emit('connectionCheckOutStarted', {});
    client.emit('connectionCheckedOut', { durationMS: 2 });
    client.emit('connectionCheckedOut', { durationMS: 700 });
    client.emit('connectionCheckOutFailed', { reason: 'timeout', durationMS: 30000 });
    client.emit('connectionCheckedIn', {});
    client.emit('connectionCheckOutStarted', {});

    const text = await registry.metrics();
    expect(text).toContain('scim_mongodb_pool_checkouts_total 2');
    expect(text).toContain('scim_mongodb_pool_connections_in_use 1');
    expect(text).toContain('scim_mongodb_pool_checkouts_waiting 1');
    expect(text).toContain('scim_mongodb_pool_max_size 50');
    expect(text).toContain('scim_mongodb_pool_checkout_failures_total{reason="timeout"} 1');
    expect(text).toContain('scim_mongodb_pool_checkout_failures_total{reason="connectionError"} 0');
    expect(text).toContain('scim_mongodb_pool_checkout_wait_seconds_count 3');
    expect(await value('scim_mongodb_pool_checkout_wait_seconds')).toContain(
      'scim_mongodb_pool_checkout_wait_seconds_bucket{le="0.005"} 1',
    );
  });

  it('counts pool clears and heartbeat failures, and an unknown reason as "other"', async () => {
    instrumentMongoClient(client, mongoMetrics(registry));

    client.emit('connectionPoolCleared', {});
    client.emit('serverHeartbeatFailed', {});
    client.emit('connectionCheckOutStarted', {});
    client.emit('connectionCheckOutFailed', { reason: 'somethingNew' });

    const text = await registry.metrics();
    expect(text).toContain('scim_mongodb_pool_cleared_total 1');
    expect(text).toContain('scim_mongodb_heartbeat_failures_total 1');
    expect(text).toContain('scim_mongodb_pool_checkout_failures_total{reason="other"} 1');
    expect(text).not.toContain('somethingNew');
  });

  it('stops listening when detached', async () => {
    const detach = instrumentMongoClient(client, mongoMetrics(registry));
    detach();

    client.emit('connectionPoolCleared', {});

    expect(await registry.metrics()).toContain('scim_mongodb_pool_cleared_total 0');
    expect(client.eventNames()).toEqual([]);
  });

  it('creates the metrics once per registry (several apps in one process)', () => {
    expect(mongoMetrics(registry).checkouts).toBe(mongoMetrics(registry).checkouts);
  });

  describe('server selection failures', () => {
    class Adapter extends ResourceRepository {
      calls = 0;
      failWith: unknown = undefined;
      findById = async () => {
        this.calls++;
        if (this.failWith) throw this.failWith;
        return null;
      };
      find = async () => ({ totalResults: 0, resources: [] });
      existingIds = async () => new Set<string>();
      // Calls another method: one failure must count once.
      commit = async () => {
        await this.findById();
        return { applied: true, journalSeqs: [] };
      };
    }

    it('counts each failed operation once and passes the error on', async () => {
      const metrics = mongoMetrics(registry);
      const adapter = new Adapter();
      const sut = countServerSelectionFailures(adapter, metrics.serverSelectionFailures);
      const selection = new MongoServerSelectionError('Server selection timed out after 10000 ms', {
        type: 'Unknown',
        servers: new Map(),
      } as never);
      adapter.failWith = selection;

      await expect(sut.commit()).rejects.toBe(selection);
      await expect(sut.findById()).rejects.toBe(selection);
      adapter.failWith = new Error('E11000 duplicate key');
      await expect(sut.findById()).rejects.toThrow('E11000');

      expect(await registry.metrics()).toContain('scim_mongodb_server_selection_failures_total 2');
      expect(sut).toBeInstanceOf(ResourceRepository);
      expect(adapter.calls).toBe(3);
    });

    it("counts mongoose's own selection error by name", async () => {
      const metrics = mongoMetrics(registry);
      const adapter = new Adapter();
      const error = new Error('Could not connect to any servers');
      error.name = 'MongooseServerSelectionError';
      adapter.failWith = error;

      await expect(
        countServerSelectionFailures(adapter, metrics.serverSelectionFailures).findById(),
      ).rejects.toBe(error);

      expect(await registry.metrics()).toContain('scim_mongodb_server_selection_failures_total 1');
    });

    it('wraps every adapter of the store and wires the client', async () => {
      const metrics = mongoMetrics(registry);
      const client = Object.assign(new EventEmitter(), { options: { maxPoolSize: 7 } });
      const adapter = new Adapter();
      adapter.failWith = new MongoServerSelectionError('timed out', {
        type: 'Unknown',
        servers: new Map(),
      } as never);

      const adapters = instrumentMongoStore(client, { resources: adapter }, metrics);
      await expect(adapters.resources.findById()).rejects.toBeInstanceOf(MongoServerSelectionError);
      client.emit('connectionPoolCleared', {});

      const text = await registry.metrics();
      expect(text).toContain('scim_mongodb_server_selection_failures_total 1');
      expect(text).toContain('scim_mongodb_pool_max_size 7');
      expect(text).toContain('scim_mongodb_pool_cleared_total 1');
    });
  });
});
