import { hashToken } from '../../auth/token-hash';
import type { SubscriptionRecord } from '../subscription';
import { bearerToken, consumerTokenMatches } from './sse-consumer-auth';

const now = new Date('2026-01-01T00:00:00.000Z');
function withSecrets(secrets: SubscriptionRecord['secrets']): SubscriptionRecord {
  return { secrets } as SubscriptionRecord;
}

describe('sse-consumer-auth', () => {
  it('reads a bearer token, and nothing from other schemes or none', () => {
    expect([
      bearerToken('Bearer abc-123'),
      bearerToken('bearer x'),
      bearerToken('Basic abc'),
      bearerToken(undefined),
    ]).toEqual(['abc-123', 'x', undefined, undefined]);
  });

  it('accepts a token whose hash is stored and live, refuses others and expired ones', () => {
    const sut = withSecrets([
      { id: 'old', value: hashToken('old'), createdAt: '', expiresAt: '2025-12-31T00:00:00.000Z' },
      { id: 'new', value: hashToken('new'), createdAt: '', expiresAt: '2026-02-01T00:00:00.000Z' },
      { id: 'forever', value: hashToken('forever'), createdAt: '' },
    ]);
    expect(['new', 'forever', 'old', 'guess'].map((token) => consumerTokenMatches(sut, token, now))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});
