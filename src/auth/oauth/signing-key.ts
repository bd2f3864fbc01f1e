import { calculateJwkThumbprint } from 'jose';
import type { JWK } from 'jose';
import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  KeyObject,
} from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../../config/app-config';
import type { ServerSecretRepository } from '../../store/ports';

/** Name of the generated key among the server secrets of the store. */
export const SIGNING_KEY_SECRET = 'oauth-signing-key';
/** Where releases before the key moved into the store kept it; imported once, then no longer read. */
export const LEGACY_SIGNING_KEY_FILE = 'oauth-signing-key.json';

export type SigningAlgorithm = 'ES256' | 'ES384' | 'EdDSA' | 'RS256' | 'HS256';

/** The key the access tokens are signed and verified with (DI token: SigningKey). */
export abstract class SigningKey {
  abstract readonly alg: SigningAlgorithm;
  /** RFC 7638 thumbprint of the (public) key; goes into the JWS header. */
  abstract readonly kid: string;
  abstract readonly privateKey: KeyObject;
  /** The public key; for HS256 the secret itself. */
  abstract readonly publicKey: KeyObject;
  /** Where it came from, for error messages: `OAUTH_SIGNING_KEY` or `the store (server secret "oauth-signing-key")`. */
  abstract readonly source: string;
}

/** Shape of the stored key (and of the legacy oauth-signing-key.json). */
interface StoredKey {
  alg: SigningAlgorithm;
  kid: string;
  createdAt: string;
  /** The private key as a JWK (RFC 7517). */
  jwk: JWK;
}

/**
 * OAUTH_SIGNING_KEY when set (it pins the key), otherwise the generated key kept in the store, so that every
 * replica sharing the database signs and verifies with the same one: ES256 (P-256), compact signatures and
 * supported by every JWT library. It survives restarts, so the tokens handed out stay valid. A key file of an
 * earlier release (DATA_DIR/oauth-signing-key.json) is imported when the store has none yet, so its tokens stay
 * valid too. Throws an "Invalid configuration" error naming the setting or file when the key cannot be used.
 */
export async function loadSigningKey(
  config: Pick<AppConfig, 'oauthSigningKey' | 'dataDir'>,
  secrets: ServerSecretRepository,
  log: (message: string) => void = () => undefined,
): Promise<SigningKey> {
  if (config.oauthSigningKey !== undefined) return fromSetting(config.oauthSigningKey);
  const legacy = join(config.dataDir, LEGACY_SIGNING_KEY_FILE);
  let created: { value: string; imported: boolean } | undefined;
  const value = await secrets.getOrCreate(SIGNING_KEY_SECRET, async () => {
    created = existsSync(legacy)
      ? { value: await readLegacyFile(legacy), imported: true }
      : { value: await generate(), imported: false };
    return created.value;
  });
  if (created?.value === value) {
    log(
      created.imported
        ? `Imported the OAuth token signing key of ${legacy} into the store; the file is no longer used`
        : 'Generated the OAuth token signing key (kept in the store, shared by every replica)',
    );
  }
  return fromStored(value, `the store (server secret "${SIGNING_KEY_SECRET}")`).catch((error: Error) => {
    throw new Error(
      `Invalid configuration: the OAuth signing key kept in the store is not usable (${error.message}); ` +
        'set OAUTH_SIGNING_KEY',
      { cause: error },
    );
  });
}

async function fromSetting(value: string): Promise<SigningKey> {
  const source = 'OAUTH_SIGNING_KEY';
  const text = value.trim();
  if (!text.startsWith('-----BEGIN')) {
    const secret = /^[A-Za-z0-9_-]+$/.test(text) ? Buffer.from(text, 'base64url') : Buffer.alloc(0);
    // RFC 7518 §3.2: an HS256 key must have at least as many bits as the hash output (256).
    if (secret.length < 32) {
      throw new Error(
        `Invalid configuration: ${source} must be a PEM private key or a base64url secret of at least 32 bytes`,
      );
    }
    const key = createSecretKey(secret);
    return build('HS256', key, key, source);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(text);
  } catch (error) {
    throw new Error(
      `Invalid configuration: ${source} is not a readable PEM private key (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  return build(algorithmOf(privateKey, source), privateKey, createPublicKey(privateKey), source);
}

async function fromStored(text: string, source: string): Promise<SigningKey> {
  const content = JSON.parse(text) as Partial<StoredKey>;
  const privateKey = createPrivateKey({ key: content.jwk as JWK & { kty: string }, format: 'jwk' });
  const alg = algorithmOf(privateKey, source);
  if (content.alg !== undefined && content.alg !== alg)
    throw new Error(`alg ${content.alg} does not match the key`);
  return build(alg, privateKey, createPublicKey(privateKey), source);
}

/** Checked before it is imported: a damaged file must not become the key of every replica. */
async function readLegacyFile(file: string): Promise<string> {
  try {
    const text = readFileSync(file, 'utf8');
    await fromStored(text, file);
    return text;
  } catch (error) {
    throw new Error(
      `Invalid configuration: ${file} does not hold a usable signing key (${(error as Error).message}); ` +
        'delete it to generate a new one (access tokens issued so far become invalid) or set OAUTH_SIGNING_KEY',
      { cause: error },
    );
  }
}

async function generate(): Promise<string> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const content: StoredKey = {
    alg: 'ES256',
    kid: await thumbprintOf(createPublicKey(privateKey)),
    createdAt: new Date().toISOString(),
    jwk: privateKey.export({ format: 'jwk' }) as JWK,
  };
  return `${JSON.stringify(content, null, 2)}\n`;
}

function algorithmOf(key: KeyObject, source: string): SigningAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec':
      if (details.namedCurve === 'prime256v1') return 'ES256';
      if (details.namedCurve === 'secp384r1') return 'ES384';
      break;
    case 'ed25519':
      return 'EdDSA';
    case 'rsa':
      // RFC 7518 §3.3: RSA keys of 2048 bits or more.
      if ((details.modulusLength ?? 0) >= 2048) return 'RS256';
      throw new Error(`Invalid configuration: ${source}: an RSA key must have at least 2048 bits`);
  }
  throw new Error(
    `Invalid configuration: ${source}: unsupported key type ${key.asymmetricKeyType ?? '?'}${details.namedCurve ? ` (${details.namedCurve})` : ''}; use EC P-256, Ed25519 or RSA`,
  );
}

async function build(
  alg: SigningAlgorithm,
  privateKey: KeyObject,
  publicKey: KeyObject,
  source: string,
): Promise<SigningKey> {
  return Object.freeze({ alg, kid: await thumbprintOf(publicKey), privateKey, publicKey, source });
}

async function thumbprintOf(key: KeyObject): Promise<string> {
  return calculateJwkThumbprint(key.export({ format: 'jwk' }) as JWK);
}
