import { jwtVerify, SignJWT } from 'jose';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerSecretRepository } from '../../store/ports';
import { LEGACY_SIGNING_KEY_FILE, loadSigningKey, SIGNING_KEY_SECRET, SigningKey } from './signing-key';

/** The port's semantics over a Map: the first value stored under a name wins. */
class MemorySecrets extends ServerSecretRepository {
  readonly values = new Map<string, string>();

  async getOrCreate(name: string, create: () => string | Promise<string>): Promise<string> {
    if (!this.values.has(name)) {
      const value = await create();
      if (!this.values.has(name)) this.values.set(name, value);
    }
    return this.values.get(name)!;
  }
}

function pem(type: 'ec' | 'ed25519' | 'rsa', options: Record<string, unknown> = {}): string {
  const { privateKey } = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

async function roundTrip(key: SigningKey): Promise<unknown> {
  const token = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: key.alg }).sign(key.privateKey);
  return (await jwtVerify(token, key.publicKey, { algorithms: [key.alg] })).payload.a;
}

/** A key file as releases before the store kept it in DATA_DIR. */
function legacyFile(dataDir: string): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const content = `${JSON.stringify({ alg: 'ES256', kid: 'x', createdAt: '2024-01-01T00:00:00.000Z', jwk: privateKey.export({ format: 'jwk' }) })}\n`;
  writeFileSync(join(dataDir, LEGACY_SIGNING_KEY_FILE), content, { mode: 0o600 });
  return content;
}

describe(loadSigningKey.name, () => {
  let dataDir: string;
  let secrets: MemorySecrets;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'scim-signing-key-'));
    secrets = new MemorySecrets();
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  describe('without OAUTH_SIGNING_KEY', () => {
    it('generates an ES256 key into the store and writes no file', async () => {
      const log = jest.fn();

      const sut = await loadSigningKey({ dataDir }, secrets, log);

      expect(sut.alg).toBe('ES256');
      expect(JSON.parse(secrets.values.get(SIGNING_KEY_SECRET)!)).toMatchObject({
        alg: 'ES256',
        kid: sut.kid,
        jwk: { crv: 'P-256', d: expect.any(String) },
      });
      expect(readdirSync(dataDir)).toEqual([]);
      expect(log).toHaveBeenCalledWith(expect.stringMatching(/^Generated the OAuth token signing key/));
      await expect(roundTrip(sut)).resolves.toBe(1);
    });

    it('loads the same key on the next boot, without generating one', async () => {
      const first = await loadSigningKey({ dataDir }, secrets);
      const log = jest.fn();

      const sut = await loadSigningKey({ dataDir }, secrets, log);

      expect(sut.kid).toBe(first.kid);
      expect(sut.publicKey.equals(first.publicKey)).toBe(true);
      expect(log).not.toHaveBeenCalled();
    });

    it('ends with one key when several boots race on one store', async () => {
      const keys = await Promise.all([1, 2, 3].map(() => loadSigningKey({ dataDir }, secrets)));

      expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    });

    it('imports the key file of an earlier release when the store has none, so its tokens stay valid', async () => {
      const content = legacyFile(dataDir);
      const log = jest.fn();

      const sut = await loadSigningKey({ dataDir }, secrets, log);

      expect(secrets.values.get(SIGNING_KEY_SECRET)).toBe(content);
      const { jwk } = JSON.parse(content) as { jwk: { x: string } };
      expect(sut.publicKey.export({ format: 'jwk' })).toMatchObject({ x: jwk.x });
      expect(log).toHaveBeenCalledWith(
        expect.stringMatching(/^Imported the OAuth token signing key of .*oauth-signing-key\.json/),
      );
    });

    it('ignores the key file of an earlier release once the store holds a key', async () => {
      const stored = await loadSigningKey({ dataDir }, secrets);
      legacyFile(dataDir);

      const sut = await loadSigningKey({ dataDir }, secrets);

      expect(sut.kid).toBe(stored.kid);
    });

    it('refuses a damaged key file of an earlier release, naming it and the way out, and stores nothing', async () => {
      writeFileSync(join(dataDir, LEGACY_SIGNING_KEY_FILE), '{"jwk": {"kty": "EC"}}');

      await expect(loadSigningKey({ dataDir }, secrets)).rejects.toThrow(
        /^Invalid configuration: .*oauth-signing-key\.json does not hold a usable signing key .*delete it/,
      );
      expect(secrets.values.size).toBe(0);
    });

    it('refuses a damaged stored key, pointing at OAUTH_SIGNING_KEY', async () => {
      secrets.values.set(SIGNING_KEY_SECRET, '{"jwk": {"kty": "EC"}}');

      await expect(loadSigningKey({ dataDir }, secrets)).rejects.toThrow(
        /^Invalid configuration: the OAuth signing key kept in the store is not usable .*set OAUTH_SIGNING_KEY/,
      );
    });
  });

  describe('with OAUTH_SIGNING_KEY', () => {
    it('uses an EC P-256 PEM key as ES256, storing nothing and ignoring a legacy key file', async () => {
      legacyFile(dataDir);

      const sut = await loadSigningKey(
        { dataDir, oauthSigningKey: pem('ec', { namedCurve: 'P-256' }) },
        secrets,
      );

      expect([sut.alg, sut.source]).toEqual(['ES256', 'OAUTH_SIGNING_KEY']);
      expect(secrets.values.size).toBe(0);
      await expect(roundTrip(sut)).resolves.toBe(1);
    });

    it('uses an Ed25519 PEM key as EdDSA', async () => {
      const sut = await loadSigningKey({ dataDir, oauthSigningKey: pem('ed25519') }, secrets);

      expect(sut.alg).toBe('EdDSA');
      await expect(roundTrip(sut)).resolves.toBe(1);
    });

    it('uses an RSA PEM key of 2048 bits as RS256', async () => {
      const sut = await loadSigningKey(
        { dataDir, oauthSigningKey: pem('rsa', { modulusLength: 2048 }) },
        secrets,
      );

      expect(sut.alg).toBe('RS256');
    });

    it('refuses an RSA key shorter than 2048 bits', async () => {
      await expect(
        loadSigningKey({ dataDir, oauthSigningKey: pem('rsa', { modulusLength: 1024 }) }, secrets),
      ).rejects.toThrow('an RSA key must have at least 2048 bits');
    });

    it('refuses an EC key on an unsupported curve', async () => {
      await expect(
        loadSigningKey({ dataDir, oauthSigningKey: pem('ec', { namedCurve: 'secp256k1' }) }, secrets),
      ).rejects.toThrow(/unsupported key type ec \(secp256k1\)/);
    });

    it('uses a base64url secret of 32 bytes as HS256', async () => {
      const sut = await loadSigningKey(
        { dataDir, oauthSigningKey: randomBytes(32).toString('base64url') },
        secrets,
      );

      expect(sut.alg).toBe('HS256');
      await expect(roundTrip(sut)).resolves.toBe(1);
    });

    it('refuses a shorter secret without echoing it', async () => {
      const secret = randomBytes(16).toString('base64url');

      const failure = loadSigningKey({ dataDir, oauthSigningKey: secret }, secrets);

      await expect(failure).rejects.toThrow(
        'OAUTH_SIGNING_KEY must be a PEM private key or a base64url secret',
      );
      await expect(failure).rejects.not.toThrow(secret);
    });

    it('refuses an unreadable PEM', async () => {
      await expect(
        loadSigningKey(
          {
            dataDir,
            oauthSigningKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
          },
          secrets,
        ),
      ).rejects.toThrow(/^Invalid configuration: OAUTH_SIGNING_KEY is not a readable PEM private key/);
    });
  });
});
