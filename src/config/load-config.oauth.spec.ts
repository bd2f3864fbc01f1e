import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './load-config';

describe(`${loadConfig.name} (OAuth settings)`, () => {
  let configDir: string;

  beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), 'scim-config-oauth-'));
    writeFileSync(
      join(configDir, 'default.json'),
      JSON.stringify({
        port: 3000,
        host: '0.0.0.0',
        dataDir: './data',
        logLevel: 'info',
        bodyLimit: 1048576,
      }),
    );
  });
  afterEach(() => rmSync(configDir, { recursive: true, force: true }));

  function problemsOf(env: Record<string, string>): string {
    try {
      loadConfig({ CONFIG_DIR: configDir, ...env });
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('expected a ConfigError');
  }

  it('defaults to issuer and audience "scim-stream", a 1-hour lifetime, no key and no clients', () => {
    const sut = loadConfig({ CONFIG_DIR: configDir });

    expect(sut).toMatchObject({
      oauthIssuer: 'scim-stream',
      oauthAudience: 'scim-stream',
      oauthTokenTtlSeconds: 3600,
    });
    expect(sut.oauthSigningKey).toBeUndefined();
    expect(sut.oauthClients).toBeUndefined();
  });

  it('reads OAUTH_ISSUER, OAUTH_AUDIENCE and OAUTH_TOKEN_TTL_SECONDS', () => {
    const sut = loadConfig({
      CONFIG_DIR: configDir,
      OAUTH_ISSUER: 'https://scim.example.com',
      OAUTH_AUDIENCE: 'api://scim',
      OAUTH_TOKEN_TTL_SECONDS: '21600',
    });

    expect(sut).toMatchObject({
      oauthIssuer: 'https://scim.example.com',
      oauthAudience: 'api://scim',
      oauthTokenTtlSeconds: 21600,
    });
  });

  it('refuses a lifetime outside 1 to 6 hours', () => {
    expect(problemsOf({ OAUTH_TOKEN_TTL_SECONDS: '600' })).toContain(
      'OAUTH_TOKEN_TTL_SECONDS must be a whole number of seconds between 3600 and 21600 (got "600")',
    );
    expect(problemsOf({ OAUTH_TOKEN_TTL_SECONDS: '21601' })).toContain('between 3600 and 21600');
  });

  it('turns literal \\n of a PEM in OAUTH_SIGNING_KEY into line breaks', () => {
    const sut = loadConfig({
      CONFIG_DIR: configDir,
      OAUTH_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----\\nMIGHAgEA\\n-----END PRIVATE KEY-----',
    });

    expect(sut.oauthSigningKey).toBe('-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n-----END PRIVATE KEY-----');
  });

  it('refuses an OAUTH_SIGNING_KEY that is neither PEM nor a long secret, without echoing it', () => {
    const message = problemsOf({ OAUTH_SIGNING_KEY: 'short-secret' });

    expect(message).toContain('OAUTH_SIGNING_KEY must be a PEM private key or a base64url secret');
    expect(message).not.toContain('short-secret');
  });

  it('refuses an OAUTH_CLIENTS that is not JSON array or object text', () => {
    expect(problemsOf({ OAUTH_CLIENTS: 'entra:secret' })).toContain(
      'OAUTH_CLIENTS must be a JSON array of OAuth clients',
    );
  });
});
