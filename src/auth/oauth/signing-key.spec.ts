import { jwtVerify, SignJWT } from 'jose';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSigningKey, SIGNING_KEY_FILE, SigningKey } from './signing-key';

function pem(type: 'ec' | 'ed25519' | 'rsa', options: Record<string, unknown> = {}): string {
  const { privateKey } = generateKeyPairSync(type as 'ec', options as { namedCurve: string });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

async function roundTrip(key: SigningKey): Promise<unknown> {
  const token = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: key.alg }).sign(key.privateKey);
  return (await jwtVerify(token, key.publicKey, { algorithms: [key.alg] })).payload.a;
}

describe(loadSigningKey.name, () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'scim-signing-key-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  describe('without OAUTH_SIGNING_KEY', () => {
    it('generates an ES256 key in DATA_DIR, readable by the owner only', async () => {
      const generated = jest.fn();

      const sut = await loadSigningKey({ dataDir }, generated);

      const file = join(dataDir, SIGNING_KEY_FILE);
      expect(sut.alg).toBe('ES256');
      expect(sut.source).toBe(file);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
        alg: 'ES256',
        kid: sut.kid,
        jwk: { crv: 'P-256' },
      });
      expect(generated).toHaveBeenCalledWith(file);
      await expect(roundTrip(sut)).resolves.toBe(1);
    });

    it('loads the same key on the next boot', async () => {
      const first = await loadSigningKey({ dataDir });
      const generated = jest.fn();

      const sut = await loadSigningKey({ dataDir }, generated);

      expect(sut.kid).toBe(first.kid);
      expect(sut.publicKey.equals(first.publicKey)).toBe(true);
      expect(generated).not.toHaveBeenCalled();
    });

    it('creates DATA_DIR when it does not exist yet and leaves no temporary file', async () => {
      const nested = join(dataDir, 'a', 'b');

      await loadSigningKey({ dataDir: nested });

      expect(readdirSync(nested)).toEqual([SIGNING_KEY_FILE]);
    });

    it('ends with one key when several boots race on one DATA_DIR', async () => {
      const keys = await Promise.all([1, 2, 3].map(() => loadSigningKey({ dataDir })));

      expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
    });

    it('refuses a damaged key file, naming it and the way out', async () => {
      writeFileSync(join(dataDir, SIGNING_KEY_FILE), '{"jwk": {"kty": "EC"}}');

      await expect(loadSigningKey({ dataDir })).rejects.toThrow(
        /^Invalid configuration: .*oauth-signing-key\.json does not hold a usable signing key .*delete it/,
      );
    });
  });

  describe('with OAUTH_SIGNING_KEY', () => {
    it('uses an EC P-256 PEM key as ES256, and writes no file', async () => {
      const sut = await loadSigningKey({ dataDir, oauthSigningKey: pem('ec', { namedCurve: 'P-256' }) });

      expect([sut.alg, sut.source]).toEqual(['ES256', 'OAUTH_SIGNING_KEY']);
      expect(existsSync(join(dataDir, SIGNING_KEY_FILE))).toBe(false);
      await expect(roundTrip(sut)).resolves.toBe(1);
    });

    it('uses an Ed25519 PEM key as EdDSA', async () => {
      const sut = await loadSigningKey({ dataDir, oauthSigningKey: pem('ed25519') });

      expect(sut.alg).toBe('EdDSA');
      await expect(roundTrip(sut)).resolves.toBe(1);
    });

    it('uses an RSA PEM key of 2048 bits as RS256', async () => {
      const sut = await loadSigningKey({ dataDir, oauthSigningKey: pem('rsa', { modulusLength: 2048 }) });

      expect(sut.alg).toBe('RS256');
    });

    it('refuses an RSA key shorter than 2048 bits', async () => {
      await expect(
        loadSigningKey({ dataDir, oauthSigningKey: pem('rsa', { modulusLength: 1024 }) }),
      ).rejects.toThrow('an RSA key must have at least 2048 bits');
    });

    it('refuses an EC key on an unsupported curve', async () => {
      await expect(
        loadSigningKey({ dataDir, oauthSigningKey: pem('ec', { namedCurve: 'secp256k1' }) }),
      ).rejects.toThrow(/unsupported key type ec \(secp256k1\)/);
    });

    it('uses a base64url secret of 32 bytes as HS256', async () => {
      const sut = await loadSigningKey({ dataDir, oauthSigningKey: randomBytes(32).toString('base64url') });

      expect(sut.alg).toBe('HS256');
      await expect(roundTrip(sut)).resolves.toBe(1);
    });

    it('refuses a shorter secret without echoing it', async () => {
      const secret = randomBytes(16).toString('base64url');

      const failure = loadSigningKey({ dataDir, oauthSigningKey: secret });

      await expect(failure).rejects.toThrow(
        'OAUTH_SIGNING_KEY must be a PEM private key or a base64url secret',
      );
      await expect(failure).rejects.not.toThrow(secret);
    });

    it('refuses an unreadable PEM', async () => {
      await expect(
        loadSigningKey({
          dataDir,
          oauthSigningKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
        }),
      ).rejects.toThrow(/^Invalid configuration: OAUTH_SIGNING_KEY is not a readable PEM private key/);
    });
  });
});
