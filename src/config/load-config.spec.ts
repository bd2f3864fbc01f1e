import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, PACKAGE_CONFIG_DIR } from './load-config';

describe(loadConfig.name, () => {
  let configDir: string;

  beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), 'scim-config-'));
    writeDefaults({
      $comment: 'test',
      port: 3000,
      host: '0.0.0.0',
      dataDir: './data',
      logLevel: 'info',
      bodyLimit: 1048576,
    });
  });
  afterEach(() => rmSync(configDir, { recursive: true, force: true }));

  function writeDefaults(values: Record<string, unknown> | string): void {
    writeFileSync(
      join(configDir, 'default.json'),
      typeof values === 'string' ? values : JSON.stringify(values),
    );
  }

  function problemsOf(run: () => unknown): string {
    try {
      run();
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('expected a ConfigError');
  }

  it('reads the defaults from default.json in CONFIG_DIR', () => {
    const sut = loadConfig({ CONFIG_DIR: configDir });

    expect(sut).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      bodyLimit: 1048576,
      configDir,
    });
    expect(sut.dataDir).toBe(resolve(process.cwd(), 'data'));
    expect(sut.scimToken).toBeUndefined();
    expect(sut.mongodbUri).toBeUndefined();
  });

  it('ships a config/default.json that is valid on its own', () => {
    const sut = loadConfig({});

    expect(sut).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      bodyLimit: 1048576,
      configDir: PACKAGE_CONFIG_DIR,
    });
  });

  it('lets environment variables override the defaults', () => {
    const sut = loadConfig({
      CONFIG_DIR: configDir,
      PORT: '8080',
      HOST: '127.0.0.1',
      DATA_DIR: '/var/lib/scim',
      MONGODB_URI: 'mongodb://db:27017/scim?replicaSet=rs0',
      SCIM_TOKEN: 'a-very-secret-token-value',
      BASE_URL: 'https://scim.example.com/',
      LOG_LEVEL: 'DEBUG',
      BODY_LIMIT: '2048',
    });

    expect(sut).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/var/lib/scim',
      mongodbUri: 'mongodb://db:27017/scim?replicaSet=rs0',
      scimToken: 'a-very-secret-token-value',
      baseUrl: 'https://scim.example.com',
      logLevel: 'debug',
      bodyLimit: 2048,
    });
  });

  it('lets overrides win over the environment', () => {
    const sut = loadConfig(
      { CONFIG_DIR: configDir, PORT: '8080', SCIM_TOKEN: 'env-token-0123456789' },
      { port: 9090, scimToken: undefined },
    );

    expect(sut.port).toBe(9090);
    expect(sut.scimToken).toBeUndefined();
  });

  it('treats empty environment variables as unset', () => {
    const sut = loadConfig({ CONFIG_DIR: configDir, PORT: '', SCIM_TOKEN: '  ' });

    expect(sut.port).toBe(3000);
    expect(sut.scimToken).toBeUndefined();
  });

  it('names the variable, the rule and the value of a bad setting', () => {
    const message = problemsOf(() => loadConfig({ CONFIG_DIR: configDir, PORT: 'abc' }));

    expect(message).toBe('Invalid configuration: PORT must be an integer between 1 and 65535 (got "abc")');
  });

  it('lists every bad setting in one message', () => {
    const message = problemsOf(() =>
      loadConfig({
        CONFIG_DIR: configDir,
        PORT: '70000',
        LOG_LEVEL: 'loud',
        BODY_LIMIT: '1.5',
        BASE_URL: 'ftp://x',
      }),
    );

    expect(message).toContain('PORT must be an integer between 1 and 65535 (got "70000")');
    expect(message).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace (got "loud")');
    expect(message).toContain(
      'BODY_LIMIT must be an integer number of bytes between 1024 and 104857600 (got "1.5")',
    );
    expect(message).toContain('BASE_URL must be an absolute http(s) URL');
  });

  it('never echoes a secret in the message', () => {
    const message = problemsOf(() =>
      loadConfig({ CONFIG_DIR: configDir, SCIM_TOKEN: 'short', MONGODB_URI: 'postgres://u:pw@h' }),
    );

    expect(message).toContain('SCIM_TOKEN must be at least 16 printable ASCII characters without spaces');
    expect(message).toContain('MONGODB_URI must be a mongodb:// or mongodb+srv:// connection string');
    expect(message).not.toContain('short');
    expect(message).not.toContain('pw@h');
  });

  it('refuses a token with spaces', () => {
    const message = problemsOf(() =>
      loadConfig({ CONFIG_DIR: configDir, SCIM_TOKEN: 'a token with spaces in it' }),
    );

    expect(message).toContain('SCIM_TOKEN must be at least 16 printable ASCII characters');
  });

  it('reads ADMIN_TOKEN, and leaves it unset by default', () => {
    expect(loadConfig({ CONFIG_DIR: configDir, ADMIN_TOKEN: 'admin-token-0123456789' }).adminToken).toBe(
      'admin-token-0123456789',
    );
    expect(loadConfig({ CONFIG_DIR: configDir }).adminToken).toBeUndefined();
  });

  it('refuses a short ADMIN_TOKEN without echoing it', () => {
    const message = problemsOf(() => loadConfig({ CONFIG_DIR: configDir, ADMIN_TOKEN: 'tiny-admin' }));

    expect(message).toContain('ADMIN_TOKEN must be at least 16 printable ASCII characters without spaces');
    expect(message).not.toContain('tiny-admin');
  });

  it('refuses an ADMIN_TOKEN equal to SCIM_TOKEN', () => {
    const token = 'one-token-for-everything-0123';

    const message = problemsOf(() =>
      loadConfig({ CONFIG_DIR: configDir, ADMIN_TOKEN: token, SCIM_TOKEN: token }),
    );

    expect(message).toContain('ADMIN_TOKEN must differ from SCIM_TOKEN');
    expect(message).not.toContain(token);
  });

  it('names the file of a bad default', () => {
    writeDefaults({ port: 'x', host: 'h', dataDir: 'd', logLevel: 'info', bodyLimit: 4096 });

    const message = problemsOf(() => loadConfig({ CONFIG_DIR: configDir }));

    expect(message).toContain(
      `"port" in ${join(configDir, 'default.json')} must be an integer between 1 and 65535 (got "x")`,
    );
  });

  it('refuses an unknown setting in default.json', () => {
    writeDefaults({ port: 3000, host: 'h', dataDir: 'd', logLevel: 'info', bodyLimit: 4096, prot: 1 });

    expect(problemsOf(() => loadConfig({ CONFIG_DIR: configDir }))).toContain('unknown setting "prot"');
  });

  it('refuses a setting named like an Object.prototype member in default.json', () => {
    // "constructor" would replace the class class-validator reads its rules from: nothing would be checked.
    writeDefaults({ port: 'x', host: 'h', dataDir: 'd', logLevel: 'info', bodyLimit: 4096, constructor: 1 });

    const message = problemsOf(() => loadConfig({ CONFIG_DIR: configDir }));

    expect(message).toContain('unknown setting "constructor"');
    expect(message).toContain('must be an integer between 1 and 65535');
  });

  it('refuses a default.json that is not JSON', () => {
    writeDefaults('{ port: 3000 ');

    expect(problemsOf(() => loadConfig({ CONFIG_DIR: configDir }))).toContain('is not valid JSON');
  });

  it('says where it looked when default.json is missing', () => {
    const missing = join(configDir, 'nowhere');

    expect(problemsOf(() => loadConfig({ CONFIG_DIR: missing }))).toContain(
      `cannot read ${join(missing, 'default.json')}`,
    );
  });

  it('returns a frozen object', () => {
    const sut = loadConfig({ CONFIG_DIR: configDir });

    expect(Object.isFrozen(sut)).toBe(true);
  });
});

describe('loadConfig: limits and throttling', () => {
  function problemsOf(env: Record<string, string>): string {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    throw new Error('expected a ConfigError');
  }

  it('has generous defaults: 200 requests per second, bursts of 400, 10 failed logins a minute', () => {
    expect(loadConfig({})).toMatchObject({
      rateLimitPerSecond: 200,
      rateLimitBurst: 400,
      authFailureLimitPerMinute: 10,
      patchMaxValuesPerOperation: 10000,
      attributeMaxLength: 65536,
    });
    expect(loadConfig({}).redisUrl).toBeUndefined();
  });

  it('reads the environment variables', () => {
    const sut = loadConfig({
      RATE_LIMIT_PER_SECOND: '0',
      RATE_LIMIT_BURST: '5',
      AUTH_FAILURE_LIMIT_PER_MINUTE: '3',
      PATCH_MAX_VALUES_PER_OPERATION: '20000',
      ATTRIBUTE_MAX_LENGTH: '1024',
      REDIS_URL: 'redis://cache:6379/2',
    });

    expect(sut).toMatchObject({
      rateLimitPerSecond: 0,
      rateLimitBurst: 5,
      authFailureLimitPerMinute: 3,
      patchMaxValuesPerOperation: 20000,
      attributeMaxLength: 1024,
      redisUrl: 'redis://cache:6379/2',
    });
  });

  it('refuses a burst of 0 and a negative rate', () => {
    const problems = problemsOf({ RATE_LIMIT_BURST: '0', RATE_LIMIT_PER_SECOND: '-1' });

    expect(problems).toContain('RATE_LIMIT_BURST must be an integer between 1 and 1000000 (got "0")');
    expect(problems).toContain(
      'RATE_LIMIT_PER_SECOND must be an integer between 0 (off) and 1000000 (got "-1")',
    );
  });

  it('refuses a REDIS_URL that is not redis:// without echoing it (it may hold a password)', () => {
    const problems = problemsOf({ REDIS_URL: 'http://user:s3cret-pw@cache' });

    expect(problems).toContain('REDIS_URL must be a redis:// or rediss:// URL');
    expect(problems).not.toContain('s3cret-pw');
  });
  it('reads the streaming settings, with NATS off and a 15 s heartbeat by default', () => {
    const defaults = loadConfig({});
    expect(defaults.natsUrl).toBeUndefined();
    expect(defaults).toMatchObject({
      natsStream: 'SCIM_STREAM',
      sseHeartbeatSeconds: 15,
    });
    expect(
      loadConfig({
        NATS_URL: 'nats://a:4222,nats://b:4222',
        NATS_STREAM: 'EVENTS',
        SSE_HEARTBEAT_SECONDS: '2',
      }),
    ).toMatchObject({ natsUrl: 'nats://a:4222,nats://b:4222', natsStream: 'EVENTS', sseHeartbeatSeconds: 2 });
  });

  it('refuses a bad NATS_URL without echoing it, a stream name NATS cannot hold, and a zero heartbeat', () => {
    const problems = problemsOf({
      NATS_URL: 'http://u:s3cret-pw@x',
      NATS_STREAM: 'a.b',
      SSE_HEARTBEAT_SECONDS: '0',
    });

    expect(problems).toContain('NATS_URL must be a nats://, tls:// or ws(s):// URL');
    expect(problems).not.toContain('s3cret-pw');
    expect(problems).toContain('NATS_STREAM must be 1-64 letters, digits, _ or -');
    expect(problems).toContain('SSE_HEARTBEAT_SECONDS must be a whole number of seconds between 1 and 3600');
  });
});
