import { calculateJwkThumbprint } from 'jose';
import type { JWK } from 'jose';
import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  KeyObject,
  randomBytes,
} from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../../config/app-config';

/** The generated key of an install, kept beside the embedded store (DATA_DIR), readable by its owner only. */
export const SIGNING_KEY_FILE = 'oauth-signing-key.json';

export type SigningAlgorithm = 'ES256' | 'ES384' | 'EdDSA' | 'RS256' | 'HS256';

/** The key the access tokens are signed and verified with (DI token: SigningKey). */
export abstract class SigningKey {
  abstract readonly alg: SigningAlgorithm;
  /** RFC 7638 thumbprint of the (public) key; goes into the JWS header. */
  abstract readonly kid: string;
  abstract readonly privateKey: KeyObject;
  /** The public key; for HS256 the secret itself. */
  abstract readonly publicKey: KeyObject;
  /** Where it came from, for the boot log: `OAUTH_SIGNING_KEY`, `/data/oauth-signing-key.json`. */
  abstract readonly source: string;
}

/** Shape of oauth-signing-key.json. */
interface KeyFile {
  alg: SigningAlgorithm;
  kid: string;
  createdAt: string;
  /** The private key as a JWK (RFC 7517). */
  jwk: JWK;
}

/**
 * OAUTH_SIGNING_KEY when set (every replica of a deployment must share it), otherwise the key of
 * DATA_DIR/oauth-signing-key.json, generated on first boot: ES256 (P-256), compact signatures and supported by
 * every JWT library. It survives restarts, so the tokens handed out stay valid. Throws an "Invalid
 * configuration" error naming the setting or file when the key cannot be used.
 */
export async function loadSigningKey(
  config: Pick<AppConfig, 'oauthSigningKey' | 'dataDir'>,
  onGenerated: (file: string) => void = () => undefined,
): Promise<SigningKey> {
  if (config.oauthSigningKey !== undefined) return fromSetting(config.oauthSigningKey);
  const file = join(config.dataDir, SIGNING_KEY_FILE);
  if (existsSync(file)) return fromFile(file);
  const generated = await generateKeyFile(file);
  if (generated) onGenerated(file);
  return fromFile(file);
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

async function fromFile(file: string): Promise<SigningKey> {
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as Partial<KeyFile>;
    const privateKey = createPrivateKey({ key: content.jwk as JWK & { kty: string }, format: 'jwk' });
    const alg = algorithmOf(privateKey, file);
    if (content.alg !== undefined && content.alg !== alg)
      throw new Error(`alg ${content.alg} does not match the key`);
    return build(alg, privateKey, createPublicKey(privateKey), file);
  } catch (error) {
    throw new Error(
      `Invalid configuration: ${file} does not hold a usable signing key (${(error as Error).message}); ` +
        'delete it to generate a new one (access tokens issued so far become invalid) or set OAUTH_SIGNING_KEY',
      { cause: error },
    );
  }
}

/**
 * Writes a new key file unless one appears meanwhile: written aside, then hard-linked into place, which fails
 * when the file exists — two processes booting on one DATA_DIR end up with the same key. False when another
 * process won.
 */
async function generateKeyFile(file: string): Promise<boolean> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const content: KeyFile = {
    alg: 'ES256',
    kid: await thumbprintOf(createPublicKey(privateKey)),
    createdAt: new Date().toISOString(),
    jwk,
  };
  mkdirSync(join(file, '..'), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
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
