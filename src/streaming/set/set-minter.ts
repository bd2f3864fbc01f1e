import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import type { JournalEntry } from '../../store/ports';
import type { SubscriptionRecord } from '../subscription';
import { buildSets, SetClaims } from './set-builder';
import { issuerUrl, setIssuer } from './set-issuer';
import { SetSigningKeys } from './set-signing-keys';
import { streamUpdatedClaims, verificationClaims } from './ssf-verification';

/** One signed SET, with what the transports need to know about it without decoding it. */
export interface MintedSet {
  jti: string;
  seq: number;
  eventUri: string;
  claims: SetClaims;
  /** The compact JWS (RFC 7515 §3.1), the body of an RFC 8935 push and a value of RFC 8936 `sets`. */
  jws: string;
}

/**
 * Turns a subscription's journal entries into signed SETs: the builder's claims (src/streaming/set/set-builder.ts)
 * with this server's issuer and the subscription's audience and format, signed with the current key.
 */
@Injectable()
export class SetMinter {
  constructor(
    private readonly keys: SetSigningKeys,
    private readonly config: AppConfig,
  ) {}

  /** SET_ISSUER or BASE_URL; undefined when neither is set (push and poll subscriptions are refused then). */
  issuer(): string | undefined {
    return setIssuer(this.config);
  }

  /** `aud`: the subscription's `audience`, else a URL naming the stream on this issuer. */
  audience(subscription: Pick<SubscriptionRecord, 'id' | 'delivery'>, issuer: string): string {
    const delivery = subscription.delivery;
    const given = delivery.method === 'push' || delivery.method === 'poll' ? delivery.audience : undefined;
    return given ?? issuerUrl(issuer, `streams/${subscription.id}`);
  }

  /** The SSF verification SET of a stream (ssf-verification.ts), signed. */
  async mintVerification(
    subscription: Pick<SubscriptionRecord, 'id' | 'delivery'>,
    jti: string,
    state: string | undefined,
  ): Promise<string> {
    const issuer = this.issuer();
    if (issuer === undefined) throw new Error('no SET issuer: set SET_ISSUER or BASE_URL');
    return this.keys.sign(
      verificationClaims(subscription.id, issuer, this.audience(subscription, issuer), jti, state),
    );
  }

  /** The SSF stream-updated SET of a stream's status change (ssf-verification.ts), signed. */
  async mintStreamUpdated(
    subscription: Pick<SubscriptionRecord, 'id' | 'delivery'>,
    update: { jti: string; status: string; reason?: string; at: string },
  ): Promise<string> {
    const issuer = this.issuer();
    if (issuer === undefined) throw new Error('no SET issuer: set SET_ISSUER or BASE_URL');
    return this.keys.sign(
      streamUpdatedClaims(subscription.id, issuer, this.audience(subscription, issuer), update),
    );
  }

  async mint(subscription: SubscriptionRecord, entries: readonly JournalEntry[]): Promise<MintedSet[]> {
    const delivery = subscription.delivery;
    if (delivery.method !== 'push' && delivery.method !== 'poll') {
      throw new Error(`not a standard stream: ${subscription.id}`);
    }
    const issuer = this.issuer();
    if (issuer === undefined) throw new Error('no SET issuer: set SET_ISSUER or BASE_URL');
    const context = {
      issuer,
      audience: this.audience(subscription, issuer),
      format: delivery.format,
      subscriptionId: subscription.id,
    };
    const minted: MintedSet[] = [];
    for (const entry of entries) {
      for (const claims of buildSets(entry, context)) {
        minted.push({
          jti: claims.jti,
          seq: entry.seq,
          eventUri: Object.keys(claims.events)[0],
          claims,
          jws: await this.keys.sign(claims),
        });
      }
    }
    return minted;
  }
}
