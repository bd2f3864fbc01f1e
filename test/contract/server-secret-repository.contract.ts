/**
 * The ServerSecretRepository contract (generated server secrets shared by every replica of a database), run
 * against every available adapter like resource-repository.contract.ts.
 */
import { StoreAdapters } from '../../src/store/store-query.util';
import type { StoreHarness } from './resource-repository.contract';

/** A create function that yields to the event loop first, so that racing callers interleave. */
function later(value: string): jest.Mock<Promise<string>, []> {
  return jest.fn(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return value;
  });
}

export function describeServerSecretRepositoryContract(
  name: string,
  createHarness: () => StoreHarness,
): void {
  describe(`${name}: ServerSecretRepository`, () => {
    let harness: StoreHarness;
    let sut: StoreAdapters;

    beforeEach(async () => {
      harness = createHarness();
      sut = await harness.open();
    });

    afterEach(async () => {
      await sut.health.close();
      await harness.destroy();
    });

    it('stores what create returns when the name is missing', async () => {
      await expect(sut.secrets.getOrCreate('cursor-key', () => 'first')).resolves.toBe('first');
    });

    it('returns the stored value without calling create again', async () => {
      await sut.secrets.getOrCreate('cursor-key', () => 'first');
      const create = jest.fn(() => 'second');

      await expect(sut.secrets.getOrCreate('cursor-key', create)).resolves.toBe('first');
      expect(create).not.toHaveBeenCalled();
    });

    it('gives every caller of a race the same value, whatever their create functions return', async () => {
      const results = await Promise.all([
        sut.secrets.getOrCreate('cursor-key', later('a')),
        sut.secrets.getOrCreate('cursor-key', later('b')),
      ]);

      expect(results[0]).toBe(results[1]);
      expect(['a', 'b']).toContain(results[0]);
      await expect(sut.secrets.getOrCreate('cursor-key', () => 'c')).resolves.toBe(results[0]);
    });

    it('keeps names apart', async () => {
      await sut.secrets.getOrCreate('cursor-key', () => 'cursor');

      await expect(sut.secrets.getOrCreate('oauth-signing-key', () => 'oauth')).resolves.toBe('oauth');
      await expect(sut.secrets.getOrCreate('cursor-key', () => 'other')).resolves.toBe('cursor');
    });

    it('stores nothing when create fails, so a later call creates the value', async () => {
      await expect(
        sut.secrets.getOrCreate('cursor-key', () => Promise.reject(new Error('no entropy'))),
      ).rejects.toThrow('no entropy');

      await expect(sut.secrets.getOrCreate('cursor-key', () => 'second')).resolves.toBe('second');
    });

    it('keeps the value across close and reopen', async () => {
      await sut.secrets.getOrCreate('oauth-signing-key', () => '{"jwk":{"kty":"EC"}}');
      await sut.health.close();
      sut = await harness.open();

      await expect(sut.secrets.getOrCreate('oauth-signing-key', () => 'new')).resolves.toBe(
        '{"jwk":{"kty":"EC"}}',
      );
    });
  });
}
