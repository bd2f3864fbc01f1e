import { Test } from '@nestjs/testing';
import { AppConfig } from './app-config';
import { ConfigModule } from './config.module';
import { ConfigError } from './load-config';
import { ScimConfig, scimConfig, ThrottlingConfig, throttlingConfig } from './namespaces';

describe(ConfigModule.name, () => {
  it('provides AppConfig globally with the overrides applied', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot({ port: 4321, scimToken: undefined })],
    }).compile();

    const sut = moduleRef.get(AppConfig);

    expect(sut.port).toBe(4321);
    expect(sut).toBeInstanceOf(AppConfig);
  });

  it('fails fast on invalid overrides', () => {
    expect(() => ConfigModule.forRoot({ port: 0 })).toThrow(ConfigError);
  });
});

describe(`${ConfigModule.name} namespaces`, () => {
  it('injects each registerAs namespace as a slice of the same validated configuration', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot({ rateLimitBurst: 7, maxPageSize: 500 })],
    }).compile();

    const throttling = moduleRef.get<ThrottlingConfig>(throttlingConfig.KEY);
    const scim = moduleRef.get<ScimConfig>(scimConfig.KEY);

    expect(throttling).toMatchObject({ rateLimitBurst: 7, rateLimitPerSecond: 200 });
    expect(scim.maxPageSize).toBe(500);
    expect(Object.keys(scim)).not.toContain('port');
  });
});
