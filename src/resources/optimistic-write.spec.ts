import { mock } from 'jest-mock-extended';
import { newResourceDocument, ResourceDocument } from '../scim/document/resource-document';
import { ScimError } from '../scim/errors';
import { ResourceRepository, WriteUnit } from '../store/ports';
import { MAX_WRITE_ATTEMPTS, writeOptimistically } from './optimistic-write';

const TENANT = 't1';
const doc = (): ResourceDocument => newResourceDocument(TENANT, 'User', 'u1-abcdef', { userName: 'a' }, []);
const unit = (existing: ResourceDocument): WriteUnit => ({
  replace: { doc: existing, expectedRev: existing._rev },
  journal: [],
});

describe(writeOptimistically.name, () => {
  const resources = mock<ResourceRepository>();
  const build = jest.fn(async (existing: ResourceDocument) => ({ unit: unit(existing), result: 'done' }));

  beforeEach(() => {
    jest.clearAllMocks();
  });

  it('loads, builds and commits once when the compare-and-swap holds', async () => {
    resources.commit.mockResolvedValue({ applied: true, journalSeqs: [1] });
    const sut = await writeOptimistically(resources, TENANT, { load: async () => doc(), build });
    expect([sut, build.mock.calls.length, resources.commit.mock.calls[0][0]]).toEqual(['done', 1, TENANT]);
  });

  it('commits nothing when the command plans no unit', async () => {
    const sut = await writeOptimistically(resources, TENANT, {
      load: async () => doc(),
      build: async () => ({ result: 'unchanged' }),
    });
    expect([sut, resources.commit.mock.calls.length]).toEqual(['unchanged', 0]);
  });

  it('builds a create from no state and never checks If-Match on it', async () => {
    resources.commit.mockResolvedValue({ applied: true, journalSeqs: [1] });
    const created = jest.fn(async (existing: undefined) => ({ unit: { journal: [] }, result: existing }));
    await writeOptimistically(resources, TENANT, {
      ifMatch: 'W/"9-x"',
      load: async () => undefined,
      build: created,
    });
    expect(created).toHaveBeenCalledWith(undefined);
  });

  it('re-reads and re-applies without If-Match when another writer won, then succeeds', async () => {
    resources.commit
      .mockResolvedValueOnce({ applied: false, journalSeqs: [] })
      .mockResolvedValueOnce({ applied: true, journalSeqs: [2] });
    const load = jest.fn(async () => doc());
    await writeOptimistically(resources, TENANT, { load, build });
    expect([load.mock.calls.length, build.mock.calls.length, resources.commit.mock.calls.length]).toEqual([
      2, 2, 2,
    ]);
  });

  it(`answers 409 after ${MAX_WRITE_ATTEMPTS} lost races without If-Match`, async () => {
    resources.commit.mockResolvedValue({ applied: false, journalSeqs: [] });
    const sut = writeOptimistically(resources, TENANT, { load: async () => doc(), build });
    await expect(sut).rejects.toMatchObject({ status: 409 });
    expect(resources.commit).toHaveBeenCalledTimes(MAX_WRITE_ATTEMPTS);
  });

  it('answers 412 at once when the If-Match version lost the race before the commit', async () => {
    resources.commit.mockResolvedValue({ applied: false, journalSeqs: [] });
    const current = doc();
    const sut = writeOptimistically(resources, TENANT, {
      ifMatch: current.meta.version,
      load: async () => current,
      build,
    });
    await expect(sut).rejects.toMatchObject({ status: 412 });
    expect(resources.commit).toHaveBeenCalledTimes(1);
  });

  it('answers 412 without building when If-Match names another version than the stored one', async () => {
    const sut = writeOptimistically(resources, TENANT, {
      ifMatch: 'W/"9-other"',
      load: async () => doc(),
      build,
    });
    await expect(sut).rejects.toMatchObject({ status: 412 });
    expect([build.mock.calls.length, resources.commit.mock.calls.length]).toEqual([0, 0]);
  });

  it('retries like no If-Match when the header is blank', async () => {
    resources.commit.mockResolvedValue({ applied: false, journalSeqs: [] });
    const sut = writeOptimistically(resources, TENANT, { ifMatch: '  ', load: async () => doc(), build });
    await expect(sut).rejects.toMatchObject({ status: 409 });
  });

  it('lets a failure of the load (404) or of the commit (uniqueness) through unchanged', async () => {
    const missing = ScimError.notFound('User "u1" not found');
    await expect(
      writeOptimistically(resources, TENANT, { load: () => Promise.reject(missing), build }),
    ).rejects.toBe(missing);
    const duplicate = ScimError.uniqueness('userName taken');
    resources.commit.mockRejectedValue(duplicate);
    await expect(writeOptimistically(resources, TENANT, { load: async () => doc(), build })).rejects.toBe(
      duplicate,
    );
  });
});
