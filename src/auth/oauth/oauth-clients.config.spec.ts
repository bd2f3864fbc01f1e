import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashClientSecret, secretFingerprint } from './client-secret';
import { loadOAuthClients, OAuthClientsConfigError, parseOAuthClients } from './oauth-clients.config';

const HASH = hashClientSecret('secret-1');
const HASH_2 = hashClientSecret('secret-2');

function problemsOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof OAuthClientsConfigError) return error.message;
    throw error;
  }
  throw new Error('expected an OAuthClientsConfigError');
}

describe(parseOAuthClients.name, () => {
  it('fills in the defaults: tenant "default", scopes ["scim"], enabled', () => {
    const sut = parseOAuthClients({ clients: [{ id: 'entra', secrets: [{ hash: HASH }] }] }, 'f.json');

    expect(sut).toEqual([
      {
        id: 'entra',
        tenantId: 'default',
        scopes: ['scim'],
        disabled: false,
        secrets: [{ hash: HASH, fingerprint: secretFingerprint(HASH) }],
      },
    ]);
  });

  it('reads every field, and several secrets for rotation', () => {
    const [sut] = parseOAuthClients(
      [
        {
          id: 'entra',
          name: 'Entra',
          tenant: 'acme',
          scopes: ['scim', 'scim.read'],
          disabled: true,
          secrets: [
            { hash: HASH, label: 'old', notAfter: '2027-01-31' },
            { hash: HASH_2, label: 'new' },
          ],
        },
      ],
      'f.json',
    );

    expect(sut).toMatchObject({ id: 'entra', name: 'Entra', tenantId: 'acme', disabled: true });
    expect(sut.scopes).toEqual(['scim', 'scim.read']);
    expect(sut.secrets).toEqual([
      {
        hash: HASH,
        fingerprint: secretFingerprint(HASH),
        label: 'old',
        notAfter: '2027-01-31T00:00:00.000Z',
      },
      { hash: HASH_2, fingerprint: secretFingerprint(HASH_2), label: 'new' },
    ]);
  });

  it('ignores $-keys as comments, at every level', () => {
    const sut = parseOAuthClients(
      {
        $comment: 'x',
        $example: {},
        clients: [{ $note: 'y', id: 'a', secrets: [{ $why: 'z', hash: HASH }] }],
      },
      'f.json',
    );

    expect(sut.map((c) => c.id)).toEqual(['a']);
  });

  it('lists every problem with its place, prefixed by the source', () => {
    const message = problemsOf(() =>
      parseOAuthClients(
        {
          clients: [
            { id: 'has space', secrets: [{ hash: 'the-secret-itself' }] },
            { id: 'b', secrets: [{ hash: HASH, notAfter: 'next year' }], scopes: ['a b'] },
            { id: 'c', secret: HASH },
            { id: 'd', secrets: [{ hash: HASH }], scopes: ['scim.read', 'users.write'] },
          ],
        },
        '/etc/scim/oauth-clients.json',
      ),
    );

    expect(message).toMatch(/^Invalid configuration: \/etc\/scim\/oauth-clients\.json: /);
    expect(message).toContain('clients[0].id must be 1 to 128 characters');
    expect(message).toContain('clients[0].secrets[0].hash must be "sha256:" followed by 64 hex digits');
    expect(message).toContain('clients[1].secrets[0].notAfter must be an ISO 8601 date');
    expect(message).toContain('clients[1].scopes must be a non-empty array of scope tokens');
    expect(message).toContain('clients[2] has an unknown key "secret"');
    expect(message).toContain('clients[2].secrets must be a non-empty array');
    // A scope the guard does not enforce would look like a control that does nothing.
    expect(message).toContain(
      'clients[3].scopes may only hold "scim", "scim.read", "scim.write", "ssf.manage" (got "users.write")',
    );
  });

  it('refuses a client id declared twice', () => {
    expect(
      problemsOf(() =>
        parseOAuthClients(
          [
            { id: 'a', secrets: [{ hash: HASH }] },
            { id: 'a', secrets: [{ hash: HASH_2 }] },
          ],
          'f.json',
        ),
      ),
    ).toContain('clients[1].id "a" is declared twice');
  });

  it('refuses the same secret twice in one client', () => {
    expect(
      problemsOf(() => parseOAuthClients([{ id: 'a', secrets: [{ hash: HASH }, { hash: HASH }] }], 'f.json')),
    ).toContain('repeats the hash of another secret');
  });

  it('allows a disabled client without secrets', () => {
    expect(parseOAuthClients([{ id: 'a', disabled: true, secrets: [] }], 'f.json')).toHaveLength(1);
  });

  it('refuses a document that is neither an array nor { clients }', () => {
    expect(problemsOf(() => parseOAuthClients('clients', 'f.json'))).toContain('must be an array of clients');
    expect(problemsOf(() => parseOAuthClients({ client: [] }, 'f.json'))).toContain('unknown key "client"');
  });
});

describe(loadOAuthClients.name, () => {
  let configDir: string;

  beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), 'scim-oauth-clients-'));
  });
  afterEach(() => rmSync(configDir, { recursive: true, force: true }));

  function writeFile(content: unknown): void {
    writeFileSync(
      join(configDir, 'oauth-clients.json'),
      typeof content === 'string' ? content : JSON.stringify(content),
    );
  }

  it('has no clients without file and OAUTH_CLIENTS', () => {
    expect(loadOAuthClients({ configDir })).toEqual([]);
  });

  it('reads the file, then OAUTH_CLIENTS', () => {
    writeFile({ clients: [{ id: 'from-file', secrets: [{ hash: HASH }] }] });

    const sut = loadOAuthClients({
      configDir,
      oauthClients: JSON.stringify([{ id: 'from-env', secrets: [{ hash: HASH_2 }] }]),
    });

    expect(sut.map((c) => c.id)).toEqual(['from-file', 'from-env']);
  });

  it('refuses a client declared both in the file and in OAUTH_CLIENTS', () => {
    writeFile([{ id: 'a', secrets: [{ hash: HASH }] }]);

    expect(
      problemsOf(() =>
        loadOAuthClients({
          configDir,
          oauthClients: JSON.stringify([{ id: 'a', secrets: [{ hash: HASH_2 }] }]),
        }),
      ),
    ).toMatch(/^Invalid configuration: OAUTH_CLIENTS: client "a" is also declared in .*oauth-clients\.json$/);
  });

  it('names the file when it is not JSON', () => {
    writeFile('{ clients: ');

    expect(problemsOf(() => loadOAuthClients({ configDir }))).toMatch(
      /oauth-clients\.json: is not valid JSON/,
    );
  });

  it('names OAUTH_CLIENTS when it is not JSON', () => {
    expect(problemsOf(() => loadOAuthClients({ configDir, oauthClients: '[{' }))).toMatch(
      /^Invalid configuration: OAUTH_CLIENTS: is not valid JSON/,
    );
  });

  it('accepts the example file shipped in config/ (no active client)', () => {
    expect(loadOAuthClients({ configDir: join(__dirname, '..', '..', '..', 'config') })).toEqual([]);
  });
});
