import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { ServerSecretRepository } from '../../store/ports';
import { SetClaims } from './set-builder';
import { KEY_REFRESH_MS, SET_KEY_SECRET_PREFIX, SetSigningKeys } from './set-signing-keys';

/** The port's contract, in memory (the store adapters pass the contract suite for the real thing). */
class MemorySecrets extends ServerSecretRepository {
  readonly values = new Map<string, string>();
  async getOrCreate(name: string, create: () => string | Promise<string>): Promise<string> {
    const stored = this.values.get(name);
    if (stored !== undefined) return stored;
    const value = await create();
    if (!this.values.has(name)) this.values.set(name, value);
    return this.values.get(name)!;
  }
}

const claims: SetClaims = {
  iss: 'https://scim.example.com',
  aud: 'https://receiver.example.com',
  iat: 1_780_000_000,
  jti: '0123456789abcdef0123456789abcdef',
  txn: 'contoso:1',
  toe: 1_780_000_000,
  sub_id: { format: 'scim', uri: '/Users/u1', id: 'u1' },
  events: { 'urn:ietf:params:scim:event:prov:delete': {} },
};

async function verify(jws: string, jwks: { keys: object[] }) {
  return jwtVerify(jws, createLocalJWKSet(jwks as never), {
    typ: 'secevent+jwt',
    algorithms: ['ES256'],
    issuer: 'https://scim.example.com',
    audience: 'https://receiver.example.com',
  });
}

describe('SetSigningKeys', () => {
  it('signs an ES256 JWS with typ secevent+jwt and the kid of the published key', async () => {
    const keys = new SetSigningKeys(new MemorySecrets());
    const jws = await keys.sign(claims);
    const jwks = await keys.jwks();
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'ES256', typ: 'secevent+jwt', kid: jwks.keys[0].kid });
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig', alg: 'ES256' });
    // The private part never leaves.
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const { payload } = await verify(jws, jwks);
    expect(payload).toEqual(claims);
  });

  it('keeps the key in the store: another instance (replica, restart) signs with the same one', async () => {
    const secrets = new MemorySecrets();
    const a = new SetSigningKeys(secrets);
    const b = new SetSigningKeys(secrets);
    const jws = await a.sign(claims);
    await expect(verify(jws, await b.jwks())).resolves.toBeDefined();
    expect([...secrets.values.keys()]).toEqual([`${SET_KEY_SECRET_PREFIX}1`]);
  });

  it('rotates: new SETs carry the new kid, the old key stays listed until its grace ends', async () => {
    const secrets = new MemorySecrets();
    const keys = new SetSigningKeys(secrets);
    const before = await keys.sign(claims);
    const oldKid = decodeProtectedHeader(before).kid;
    const listed = await keys.rotate(3600);
    const after = await keys.sign(claims);
    const newKid = decodeProtectedHeader(after).kid;
    expect(newKid).not.toBe(oldKid);
    expect(listed.map((k) => [k.kid, k.current])).toEqual([
      [newKid, true],
      [oldKid, false],
    ]);
    expect(listed[1].listedUntil).toEqual(expect.any(String));
    const jwks = await keys.jwks();
    await expect(verify(before, jwks)).resolves.toBeDefined();
    await expect(verify(after, jwks)).resolves.toBeDefined();
    // After the grace period only the new key is published; a SET of the old key no longer verifies.
    const later = await keys.jwks(Date.now() + 3601_000);
    expect(later.keys.map((k) => k.kid)).toEqual([newKid]);
    await expect(verify(before, later)).rejects.toThrow();
  });

  it('another replica notices a rotation within KEY_REFRESH_MS', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const secrets = new MemorySecrets();
      const a = new SetSigningKeys(secrets);
      const b = new SetSigningKeys(secrets);
      const first = decodeProtectedHeader(await b.sign(claims)).kid;
      await a.rotate(3600);
      expect(decodeProtectedHeader(await b.sign(claims)).kid).toBe(first);
      jest.advanceTimersByTime(KEY_REFRESH_MS + 1);
      expect(decodeProtectedHeader(await b.sign(claims)).kid).not.toBe(first);
    } finally {
      jest.useRealTimers();
    }
  });

  it('two rotations racing store one new generation', async () => {
    const secrets = new MemorySecrets();
    const a = new SetSigningKeys(secrets);
    const b = new SetSigningKeys(secrets);
    await a.jwks();
    await b.jwks();
    await Promise.all([a.rotate(60), b.rotate(60)]);
    expect([...secrets.values.keys()].sort()).toEqual([
      `${SET_KEY_SECRET_PREFIX}1`,
      `${SET_KEY_SECRET_PREFIX}2`,
    ]);
  });
});
