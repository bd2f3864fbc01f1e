import { createHash } from 'node:crypto';
import {
  generateClientSecret,
  hashClientSecret,
  normaliseSecretHash,
  secretFingerprint,
  secretHashesEqual,
} from './client-secret';

const HEX = createHash('sha256').update('s3cret', 'utf8').digest('hex');

describe(hashClientSecret.name, () => {
  it('is "sha256:" and the hex SHA-256 of the secret', () => {
    expect(hashClientSecret('s3cret')).toBe(`sha256:${HEX}`);
  });
});

describe(generateClientSecret.name, () => {
  it('is 43 base64url characters (256 random bits), different every time', () => {
    const sut = generateClientSecret();

    expect(sut).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateClientSecret()).not.toBe(sut);
  });
});

describe(normaliseSecretHash.name, () => {
  it('accepts the prefixed form', () => {
    expect(normaliseSecretHash(`sha256:${HEX}`)).toBe(`sha256:${HEX}`);
  });

  it('accepts bare hex as the store keeps it, and lower-cases it', () => {
    expect(normaliseSecretHash(HEX.toUpperCase())).toBe(`sha256:${HEX}`);
  });

  it('refuses anything that is not a SHA-256 hash, e.g. a secret pasted by mistake', () => {
    expect(normaliseSecretHash('my-client-secret')).toBeNull();
    expect(normaliseSecretHash(`sha256:${HEX.slice(1)}`)).toBeNull();
  });
});

describe(secretHashesEqual.name, () => {
  it('is true for equal hashes', () => {
    expect(secretHashesEqual(hashClientSecret('a'), hashClientSecret('a'))).toBe(true);
  });

  it('is false for different hashes', () => {
    expect(secretHashesEqual(hashClientSecret('a'), hashClientSecret('b'))).toBe(false);
  });

  it('is false for malformed values instead of throwing', () => {
    expect(secretHashesEqual('sha256:', 'sha256:')).toBe(false);
  });
});

describe(secretFingerprint.name, () => {
  it('is short, stable and does not contain the hash', () => {
    const hash = hashClientSecret('a');

    expect(secretFingerprint(hash)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(secretFingerprint(hash)).toBe(secretFingerprint(hash));
    expect(hash).not.toContain(secretFingerprint(hash));
    expect(secretFingerprint(hashClientSecret('b'))).not.toBe(secretFingerprint(hash));
  });
});
