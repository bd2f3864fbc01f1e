import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { generateToken, hashToken } from '../auth/token-hash';
import { ServerSecretRepository } from '../store/ports';
import type { SubscriptionRecord } from './subscription';

/** Name of the AES-256 key in ServerSecretRepository: one per database, shared by every replica. */
export const SUBSCRIPTION_SECRET_KEY = 'subscription-secret-key';
const FORMAT = 'v1';
/** Decrypted webhook secrets kept in memory (one or two per webhook subscription). */
const DECRYPTED_KEPT = 1024;

/**
 * Secrets of subscriptions (issue "Streaming"): a webhook secret must sign every request, so it is stored
 * encrypted (AES-256-GCM, the key generated once and kept in the store, like the cursor key) rather than
 * hashed; an SSE consumer token only needs to be recognised, so it is stored as its SHA-256 (like tenant
 * tokens). Neither is ever logged; both are shown once, when created.
 */
@Injectable()
export class SubscriptionSecrets {
  private key?: Promise<Buffer>;
  /**
   * Encrypted value → secret. Every delivery signs; decrypting each time was a tenth of a webhook delivery's
   * CPU. A sealed value never changes meaning (a rotation stores a new one), so an entry is never stale.
   */
  private readonly decrypted = new Map<string, string>();

  constructor(private readonly serverSecrets: ServerSecretRepository) {}

  /** A Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
  static newWebhookSecret(): string {
    return `whsec_${randomBytes(32).toString('base64')}`;
  }

  /** An SSE consumer token (256 random bits, base64url) and the hash that is stored. */
  static newConsumerToken(): { token: string; hash: string } {
    const token = generateToken();
    return { token, hash: hashToken(token) };
  }

  async encrypt(plain: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.keyBytes(), iv);
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [FORMAT, iv, cipher.getAuthTag(), sealed]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  async decrypt(value: string): Promise<string> {
    const [format, iv, tag, sealed] = value.split('.');
    if (format !== FORMAT || !iv || !tag || sealed === undefined) throw new Error('not an encrypted secret');
    const decipher = createDecipheriv('aes-256-gcm', await this.keyBytes(), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }

  /** The webhook secrets that sign now, newest first: the current one and those still in their grace period. */
  async signingSecrets(subscription: SubscriptionRecord, now: number = Date.now()): Promise<string[]> {
    const live = subscription.secrets.filter(
      (s) => s.expiresAt === undefined || Date.parse(s.expiresAt) > now,
    );
    return Promise.all(live.map((s) => this.decryptKept(s.value)));
  }

  private async decryptKept(value: string): Promise<string> {
    const kept = this.decrypted.get(value);
    if (kept !== undefined) return kept;
    const plain = await this.decrypt(value);
    if (this.decrypted.size >= DECRYPTED_KEPT) this.decrypted.clear();
    this.decrypted.set(value, plain);
    return plain;
  }

  private keyBytes(): Promise<Buffer> {
    this.key ??= this.serverSecrets
      .getOrCreate(SUBSCRIPTION_SECRET_KEY, () => randomBytes(32).toString('base64'))
      .then((value) => Buffer.from(value, 'base64'));
    // A store failure must not be cached for the life of the process.
    this.key.catch(() => (this.key = undefined));
    return this.key;
  }
}
