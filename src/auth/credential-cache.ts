import { Injectable, Module } from '@nestjs/common';
import { hash } from 'node:crypto';
import type { Principal } from './principal';

/**
 * How long a verified credential is trusted without asking the store again. This replica forgets every entry
 * at once when a token, an OAuth client or a tenant changes through the admin API (invalidate()); another
 * replica sharing the store (MongoDB) sees the change within this time, like tenant settings
 * (TENANT_SETTINGS_TTL_MS).
 */
export const CREDENTIAL_CACHE_TTL_MS = 1000;

/** Entries kept at most (the oldest is forgotten first): OAuth clients fetch new access tokens all the time. */
export const CREDENTIAL_CACHE_MAX_ENTRIES = 1000;

interface Entry {
  principal: Principal;
  /** Epoch (ms) after which the entry is stale: TTL, or earlier when the credential expires before. */
  until: number;
  generation: number;
}

/**
 * A short-lived cache of verified credentials (issue 12): CredentialResolver answers a credential verified
 * less than CREDENTIAL_CACHE_TTL_MS ago from here, without the hash lookup, the JWT signature check and the
 * tenant read. Keyed by the SHA-256 of the credential, never by the credential itself. Only successes are
 * kept: a refused credential is checked (and counted as a failure) every time.
 */
@Injectable()
export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by invalidate(): an entry of an earlier generation is never answered. */
  private current = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The key of a credential: its SHA-256 (base64url, of the UTF-8 bytes), so that no credential is held in
   * memory longer. One-shot crypto.hash: no Hash object per request.
   */
  static keyOf(credential: string): string {
    return hash('sha256', credential, 'base64url');
  }

  get(key: string): Principal | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.generation === this.current && entry.until > this.now()) return entry.principal;
    this.entries.delete(key);
    return undefined;
  }

  /** Taken before a credential is verified, and handed back to set(). */
  get generation(): number {
    return this.current;
  }

  /**
   * Remembers a verified credential, at most until `expiresAt` (ms) when it expires sooner than the TTL. Not
   * when invalidate() ran since `verifiedIn` was taken: the verification may have read what was just revoked.
   */
  set(key: string, principal: Principal, verifiedIn: number, expiresAt = Infinity): void {
    if (verifiedIn !== this.current) return;
    const until = Math.min(this.now() + CREDENTIAL_CACHE_TTL_MS, expiresAt);
    if (this.entries.size >= CREDENTIAL_CACHE_MAX_ENTRIES && !this.entries.has(key)) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(key, { principal, until, generation: verifiedIn });
  }

  /**
   * Forgets every entry: a token was revoked or expired, an OAuth client or its secret removed, a tenant
   * disabled or changed. All of them, not just the one concerned: such changes are rare, and a principal does
   * not say which secret or token record it came from.
   */
  invalidate(): void {
    this.current++;
    this.entries.clear();
  }
}

/** The one CredentialCache, shared by the bearer check (AuthModule) and the admin API that invalidates it. */
@Module({
  exports: [CredentialCache],
  providers: [{ provide: CredentialCache, useFactory: () => new CredentialCache() }],
})
export class CredentialCacheModule {}
